import { expect } from 'chai';
import { IntegrationEntity } from '@ones-m365/shared/db';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

const TENANT = '7a1b2c3d-0000-4000-8000-00000000aaaa';
const CLIENT = '11111111-2222-4333-8444-555555555555';
const body = (over: Record<string, unknown> = {}) => ({
  name: 'Contoso',
  cloud: 'global',
  tenantId: TENANT,
  clientId: CLIENT,
  clientSecret: 'secret-value',
  ...over,
});

describe('one live integration per cloud + tenant + client ID (real MariaDB)', () => {
  let h: ApiHarness;
  const create = (over: Record<string, unknown> = {}) =>
    h.call('/api/v1/integrations', { method: 'POST', json: body(over) });
  const liveRows = () =>
    h.db.ds.getRepository(IntegrationEntity).createQueryBuilder('i').where('i.deletedAt IS NULL').getMany();

  before(async () => {
    h = await startApiHarness();
  });
  beforeEach(() => h.db.ds.getRepository(IntegrationEntity).clear());
  after(() => h.close());

  it('20 parallel creates give one row: one 201, nineteen 409 naming it', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => create({ name: `Contoso ${i}` })));
    const created = answers.filter((a) => a.status === 201);
    expect(created, answers.map((a) => a.status).join(',')).to.have.length(1);
    const refused = answers.filter((a) => a.status === 409);
    expect(refused).to.have.length(19);
    for (const r of refused) {
      expect(r.body.error.code).to.equal('conflict');
      expect(r.body.error.details).to.deep.include({ integrationId: created[0]!.body.id, name: created[0]!.body.name });
      expect(r.body.error.message).to.include(created[0]!.body.id);
    }
    expect(await liveRows()).to.have.length(1);
  });

  it('compares tenant and client ID without regard to letter case; another cloud or app is another integration', async () => {
    expect((await create()).status).to.equal(201);
    expect((await create({ tenantId: TENANT.toUpperCase(), clientId: CLIENT.toUpperCase() })).status).to.equal(409);
    expect((await create({ cloud: 'china' })).status).to.equal(201);
    expect((await create({ clientId: '0f0f0f0f-1111-4222-8333-444444444444' })).status).to.equal(201);
  });

  it('treats a tenant typed as a domain apart from its GUID (the GUID is only known after the first token)', async () => {
    expect((await create({ tenantId: 'Contoso.onmicrosoft.com' })).status).to.equal(201);
    expect((await create({ tenantId: 'contoso.onmicrosoft.com' })).status).to.equal(409);
    expect((await create()).status).to.equal(201);
  });

  it('lets a deleted integration be created again, as often as it is deleted', async () => {
    for (let round = 0; round < 3; round++) {
      const r = await create();
      expect(r.status, `round ${round}`).to.equal(201);
      expect((await h.call(`/api/v1/integrations/${r.body.id}`, { method: 'DELETE' })).status).to.equal(204);
    }
    expect((await create()).status).to.equal(201);
    expect(await h.db.ds.getRepository(IntegrationEntity).count()).to.equal(4);
  });

  it('refuses a PATCH that would make two integrations collide (409 naming the other, nothing saved)', async () => {
    const first = (await create()).body.id as string;
    const second = (await create({ clientId: '0f0f0f0f-1111-4222-8333-444444444444' })).body.id as string;
    const r = await h.call(`/api/v1/integrations/${second}`, {
      method: 'PATCH',
      json: { name: 'Moved', clientId: CLIENT, clientSecret: 'another-secret' },
    });
    expect(r.status).to.equal(409);
    expect(r.body.error.details.integrationId).to.equal(first);
    const row = await h.db.ds.getRepository(IntegrationEntity).findOneByOrFail({ id: second });
    expect(row).to.include({
      name: 'Contoso',
      clientId: '0f0f0f0f-1111-4222-8333-444444444444',
      clientSecretHint: 'lue',
    });
  });

  it('parallel PATCHes of ten integrations onto one tenant and app: exactly one succeeds', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await create({ tenantId: `tenant${i}.onmicrosoft.com` })).body.id);
    const answers = await Promise.all(
      ids.map((id) =>
        h.call(`/api/v1/integrations/${id}`, {
          method: 'PATCH',
          json: { tenantId: 'target.onmicrosoft.com', clientSecret: 'rotated-secret' },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).to.deep.equal([200, ...Array(9).fill(409)]);
    const rows = await liveRows();
    expect(rows.filter((r) => r.tenantId === 'target.onmicrosoft.com')).to.have.length(1);
  });

  it('keeps the key right when two PATCHes change different parts of it at once (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      await h.db.ds.getRepository(IntegrationEntity).clear();
      const id = (await create()).body.id as string;
      const patch = (json: Record<string, unknown>) =>
        h.call(`/api/v1/integrations/${id}`, { method: 'PATCH', json: { ...json, clientSecret: 'rotated-secret' } });
      const [a, b] = await Promise.all([
        patch({ tenantId: 'moved.onmicrosoft.com' }),
        patch({ clientId: '0f0f0f0f-1111-4222-8333-444444444444' }),
      ]);
      expect([a.status, b.status]).to.deep.equal([200, 200]);
      // The key follows the row: its old values are free again, its new ones taken.
      expect((await create()).status, `round ${round}`).to.equal(201);
      expect(
        (await create({ tenantId: 'moved.onmicrosoft.com', clientId: '0f0f0f0f-1111-4222-8333-444444444444' })).status,
        `round ${round}`,
      ).to.equal(409);
    }
  });

  it('says so in the OpenAPI document', async () => {
    const doc = (await h.call('/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/integrations'].post.responses['409'].description).to.include('details.integrationId');
    expect(doc.paths['/api/v1/integrations/{id}'].patch.responses['409'].description).to.include(
      'cloud, tenant and client ID',
    );
  });
});
