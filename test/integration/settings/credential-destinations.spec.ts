import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '@ones-m365/graph-simulator';
import { IntegrationEntity } from '@ones-m365/shared/db';
import { trustCa } from '../../support/graph-simulator-clients.js';
import { startSettingsHarness, type SettingsHarness } from '../../support/settings-harness.js';

const fieldsOf = (body: { error: { details: { field: string }[] } }) => body.error.details.map((d) => d.field);

describe('the stored client secret goes only where it went before (PATCH /integrations/{id})', () => {
  let s: SettingsHarness;
  /** A second HTTPS host, standing in for one an attacker names: it records every request. */
  let elsewhere: GraphSimulator;
  let id: string;
  let baseline: number;
  /** Requests the other host received during this test. */
  const sentElsewhere = () => elsewhere.requestCount() - baseline;
  const elsewhereEndpoints = () => ({ login: elsewhere.loginUrl, graph: elsewhere.graphUrl });
  const patch = (json: Record<string, unknown>) => s.h.call(`/api/v1/integrations/${id}`, { method: 'PATCH', json });
  const stored = () => s.h.db.ds.getRepository(IntegrationEntity).findOneByOrFail({ id });

  before(async () => {
    s = await startSettingsHarness();
    elsewhere = await startGraphSimulator({ seed: { users: 1, rooms: 0, groups: 0 } });
    trustCa(elsewhere.caCertPem);
  });
  beforeEach(async () => {
    await s.h.db.ds.getRepository(IntegrationEntity).clear();
    id = await s.create();
    baseline = elsewhere.requestCount();
  });
  after(async () => {
    await elsewhere.close();
    await s.close();
  });

  it('refuses new endpoints without the secret (400 naming both fields), saves nothing, and the next test goes to the old host', async () => {
    const before = await stored();
    const r = await patch({ endpoints: elsewhereEndpoints() });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('validation_failed');
    expect(fieldsOf(r.body)).to.deep.equal(['body.endpoints', 'body.clientSecret']);
    expect((await stored()).endpoints).to.deep.equal(before.endpoints);
    const test = await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    expect(test.body.ok, JSON.stringify(test.body)).to.equal(true);
    expect(sentElsewhere()).to.equal(0);
  });

  it('refuses pointing only the Graph host elsewhere (it would receive the access tokens)', async () => {
    const r = await patch({ endpoints: { login: s.sim.loginUrl, graph: elsewhere.graphUrl } });
    expect(r.status).to.equal(400);
    expect(fieldsOf(r.body)).to.deep.equal(['body.endpoints', 'body.clientSecret']);
  });

  it('refuses each of cloud, tenantId, clientId and endpoints: null without the secret, naming every changed field', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ cloud: 'china' }, ['body.cloud']],
      [{ tenantId: '0e0e0e0e-1111-4222-8333-444444444444' }, ['body.tenantId']],
      [{ clientId: '0f0f0f0f-1111-4222-8333-444444444444' }, ['body.clientId']],
      [{ endpoints: null }, ['body.endpoints']],
      [
        {
          name: 'Renamed',
          cloud: 'china',
          tenantId: 'fabrikam.onmicrosoft.com',
          clientId: '0f0f0f0f-1111-4222-8333-444444444444',
          endpoints: elsewhereEndpoints(),
        },
        ['body.cloud', 'body.tenantId', 'body.clientId', 'body.endpoints'],
      ],
    ];
    const before = await stored();
    for (const [json, fields] of cases) {
      const r = await patch(json);
      expect(r.status, JSON.stringify(json)).to.equal(400);
      expect(fieldsOf(r.body), JSON.stringify(json)).to.deep.equal([...fields, 'body.clientSecret']);
    }
    const after = await stored();
    expect(after).to.deep.include({
      name: before.name,
      cloud: before.cloud,
      tenantId: before.tenantId,
      clientId: before.clientId,
      endpoints: before.endpoints,
    });
    expect(sentElsewhere()).to.equal(0);
  });

  it('lets the stored values be sent again without the secret (the same destination, case aside)', async () => {
    const r = await patch({
      name: 'Same place',
      cloud: s.sim.cloud,
      tenantId: s.sim.tenantId.toUpperCase(),
      clientId: s.sim.clientId.toUpperCase(),
      endpoints: { login: s.sim.loginUrl, graph: s.sim.graphUrl },
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.name).to.equal('Same place');
  });

  it('accepts the change together with a secret, which is then the only one sent there', async () => {
    const secret = elsewhere.clientSecret;
    const r = await patch({
      endpoints: elsewhereEndpoints(),
      tenantId: elsewhere.tenantId,
      clientId: elsewhere.clientId,
      clientSecret: secret,
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.clientSecret.hint).to.equal(`…${secret.slice(-3)}`);
    const test = await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    expect(test.body.checks[0].ok, JSON.stringify(test.body)).to.equal(true);
    expect(elsewhere.requestCount({ route: 'oauth2/v2.0/token' })).to.be.greaterThan(0);
  });

  it('POST /integrations/test never reads a stored integration: an id with new endpoints and no secret is a 400, nothing sent', async () => {
    const r = await s.h.call('/api/v1/integrations/test', {
      method: 'POST',
      json: {
        id,
        cloud: s.sim.cloud,
        tenantId: s.sim.tenantId,
        clientId: s.sim.clientId,
        endpoints: elsewhereEndpoints(),
      },
    });
    expect(r.status).to.equal(400);
    expect(fieldsOf(r.body)).to.include.members(['body.clientSecret', 'body']);
    expect(sentElsewhere()).to.equal(0);
  });

  it('says so in the OpenAPI document', async () => {
    const doc = (await s.h.call('/api/v1/openapi.json')).body;
    const route = doc.paths['/api/v1/integrations/{id}'].patch;
    expect(route.description).to.include('needs clientSecret in the same request');
    expect(route.responses['400'].description).to.include('without clientSecret');
  });
});
