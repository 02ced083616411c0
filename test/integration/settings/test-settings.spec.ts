import { expect } from 'chai';
import { IntegrationEntity } from '@ones-m365/shared/db';
import { type GraphSimulator } from '@ones-m365/graph-simulator';
import { startSettingsHarness, type SettingsHarness } from '../../support/settings-harness.js';

type Result = {
  ok: boolean;
  permissions: { required: string[]; granted: string[]; missing: string[] };
  checks: { name: string; ok: boolean; message: string }[];
  error?: { code: string; message: string; hint: string };
};

describe('Test settings against the simulator', () => {
  let s: SettingsHarness;
  before(async () => {
    s = await startSettingsHarness();
  });
  after(() => s.close());
  afterEach(() => {
    s.sim.clearFaults();
    s.sim.updateSettings({ placesMode: 'configured' });
  });

  const testSaved = async (over: Record<string, unknown> = {}): Promise<Result> => {
    const id = await s.create(over);
    const r = await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    expect(r.status).to.equal(200);
    return r.body as Result;
  };
  const testUnsaved = async (over: Record<string, unknown> = {}): Promise<Result> => {
    const { name: _n, ...body } = s.body(over);
    const r = await s.h.call('/api/v1/integrations/test', { method: 'POST', json: body });
    expect(r.status).to.equal(200);
    return r.body as Result;
  };

  it('passes for a correctly set up app, with every permission and probe', async () => {
    const r = await testSaved();
    expect(r.ok, JSON.stringify(r)).to.equal(true);
    expect(r.permissions.missing).to.deep.equal([]);
    expect(r.permissions.granted).to.include.members([
      'Calendars.ReadWrite',
      'Group.Read.All',
      'Place.Read.All',
      'User.Read.All',
    ]);
    expect(r.checks.map((c) => c.name)).to.deep.equal([
      'token',
      'permissions',
      'rooms',
      'users',
      'groups',
      'calendar',
      'pager',
    ]);
    expect(r.checks.every((c) => c.ok)).to.equal(true);
    expect(r.error).to.equal(undefined);
  });

  it('accepts the tenant as a verified domain and learns its GUID from the token', async () => {
    const domain = s.sim.tenantInfo().domain;
    const id = await s.create({ tenantId: domain });
    const r = await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    expect(r.body.ok, JSON.stringify(r.body)).to.equal(true);
    const row = await s.h.db.ds.getRepository(IntegrationEntity).findOneByOrFail({ id });
    expect(row.tenantId).to.equal(domain);
    expect(row.tenantGuid).to.equal(s.sim.tenantId.toLowerCase());
    await s.h.call(`/api/v1/integrations/${id}`, {
      method: 'PATCH',
      json: { tenantId: 'fabrikam.onmicrosoft.com', clientSecret: s.sim.clientSecret },
    });
    expect((await s.h.db.ds.getRepository(IntegrationEntity).findOneByOrFail({ id })).tenantGuid).to.equal(null);
  });

  it('keeps the result on the integration', async () => {
    const id = await s.create();
    await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    const i = await s.h.call(`/api/v1/integrations/${id}`);
    expect(i.body.lastTest.ok).to.equal(true);
    expect(i.body.lastTest.testedAt).to.be.a('string');
  });

  const failures: [string, () => Record<string, unknown>, string, RegExp][] = [
    ['a wrong secret', () => ({ clientSecret: 'wrong-secret' }), 'invalid_secret', /Certificates & secrets/],
    [
      'a wrong client ID',
      () => ({ clientId: '0f0f0f0f-1111-4222-8333-444444444444' }),
      'app_not_found',
      /Application \(client\) ID/,
    ],
    [
      'a wrong tenant',
      () => ({ tenantId: '0e0e0e0e-1111-4222-8333-444444444444' }),
      'tenant_not_found',
      /Directory \(tenant\) ID/,
    ],
  ];
  for (const [what, over, code, hint] of failures) {
    it(`explains ${what} (saved and unsaved)`, async () => {
      for (const r of [await testSaved(over()), await testUnsaved(over())]) {
        expect(r.ok).to.equal(false);
        expect(r.error?.code).to.equal(code);
        expect(r.error?.hint).to.match(hint);
        expect(r.checks).to.deep.equal([{ name: 'token', ok: false, message: r.error!.message }]);
      }
    });
  }

  it('explains an expired secret', async () => {
    const t = s.sim.createTenant({ users: 2, rooms: 1 });
    const app = t.apps[0]!;
    s.sim.expireSecrets(app.appId, t.tenantId);
    const r = await testUnsaved({ tenantId: t.tenantId, clientId: app.appId, clientSecret: app.secrets[0]!.value });
    expect(r.error?.code).to.equal('expired_secret');
    expect(r.error?.message).to.include('AADSTS7000222');
  });

  it('explains a tenant homed in the other cloud', async () => {
    const t = s.sim.createTenant({ cloud: 'china', users: 1, rooms: 1 });
    const app = t.apps[0]!;
    const r = await testUnsaved({ tenantId: t.tenantId, clientId: app.appId, clientSecret: app.secrets[0]!.value });
    expect(r.error?.code).to.equal('wrong_cloud');
    expect(r.error?.hint).to.include('21Vianet');
  });

  it('explains missing admin consent (a token without roles)', async () => {
    const t = s.sim.createTenant({ users: 1, rooms: 1 });
    const app = t.apps[0]!;
    s.sim.setConsent(app.appId, { revoke: app.permissions }, t.tenantId);
    const r = await testUnsaved({ tenantId: t.tenantId, clientId: app.appId, clientSecret: app.secrets[0]!.value });
    expect(r.ok).to.equal(false);
    expect(r.error?.code).to.equal('consent_missing');
    expect(r.error?.hint).to.include('Grant admin consent');
    expect(r.permissions.granted).to.deep.equal([]);
    expect(r.permissions.missing).to.have.length(4);
  });

  it('names the one permission that is missing', async () => {
    const t = s.sim.createTenant({ users: 1, rooms: 1 });
    const app = t.apps[0]!;
    s.sim.setConsent(app.appId, { revoke: ['Place.Read.All'] }, t.tenantId);
    const r = await testUnsaved({ tenantId: t.tenantId, clientId: app.appId, clientSecret: app.secrets[0]!.value });
    expect(r.error?.code).to.equal('permission_missing');
    expect(r.permissions.missing).to.deep.equal(['Place.Read.All']);
    expect(r.error?.hint).to.include('Place.Read.All');
  });

  it('explains Places not configured, and a tenant without rooms', async () => {
    s.sim.updateSettings({ placesMode: 'error' });
    const notConfigured = await testSaved();
    expect(notConfigured.ok).to.equal(false);
    expect(notConfigured.checks.find((c) => c.name === 'rooms')?.message).to.include('Places');
    s.sim.updateSettings({ placesMode: 'empty' });
    const empty = await testSaved();
    expect(empty.checks.find((c) => c.name === 'rooms')).to.include({ ok: false });
    expect(empty.checks.find((c) => c.name === 'rooms')?.message).to.include('No rooms');
  });

  it('answers within a few seconds when the login host hangs', async function () {
    this.timeout(20_000);
    const t = s.sim.createTenant({ users: 1, rooms: 1 });
    const app = t.apps[0]!;
    s.sim.setLoginHang(true);
    const started = Date.now();
    const r = await testUnsaved({ tenantId: t.tenantId, clientId: app.appId, clientSecret: app.secrets[0]!.value });
    const elapsed = Date.now() - started;
    s.sim.setLoginHang(false);
    expect(r.ok).to.equal(false);
    expect(r.error?.code).to.be.oneOf(['login_timeout', 'graph_transient']);
    expect(elapsed).to.be.lessThan(15_000);
  });

  it('reuses the cached token (no token request per call) and drops it when credentials change', async () => {
    const id = await s.create();
    await s.h.call(`/api/v1/integrations/${id}/available-rooms`);
    s.sim.resetCounters();
    await s.h.call(`/api/v1/integrations/${id}/available-rooms`);
    await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    expect(s.sim.requestCount({ route: 'oauth2/v2.0/token' })).to.equal(0);
    expect(s.sim.requestCount({ route: 'places' })).to.be.greaterThan(0);
    await s.h.call(`/api/v1/integrations/${id}`, { method: 'PATCH', json: { clientSecret: s.sim.clientSecret } });
    await s.h.call(`/api/v1/integrations/${id}/available-rooms`);
    expect(s.sim.requestCount({ route: 'oauth2/v2.0/token' })).to.equal(1);
  });
});

describe('Test settings in the China cloud (21Vianet)', () => {
  let china: GraphSimulator;
  let s: SettingsHarness;
  before(async () => {
    s = await startSettingsHarness({ cloud: 'china' });
    china = s.sim;
  });
  after(() => s.close());

  it('gets a token for the China Graph resource and passes', async () => {
    const id = await s.create({ cloud: 'china' });
    const r = await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    expect(r.body.ok, JSON.stringify(r.body)).to.equal(true);
    expect(china.cloud).to.equal('china');
  });

  it('fails a global integration pointed at a China tenant with the cloud hint', async () => {
    const id = await s.create({ cloud: 'global' });
    const r = await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    expect(r.body.ok).to.equal(false);
    expect(r.body.error.hint).to.include('21Vianet');
  });
});
