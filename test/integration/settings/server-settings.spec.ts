import { expect } from 'chai';
import { IntegrationEntity, RoomRepository, UserRepository } from '@ones-m365/shared/db';
import { startApiHarness } from '../../support/api-harness.js';
import { startSettingsHarness, type SettingsHarness } from '../../support/settings-harness.js';

describe('server settings (integrations CRUD)', () => {
  let s: SettingsHarness;
  before(async () => {
    s = await startSettingsHarness();
  });
  after(() => s.close());

  it('creates an integration, keeps the secret sealed and shows only its hint', async () => {
    const r = await s.h.call('/api/v1/integrations', { method: 'POST', json: s.body() });
    expect(r.status).to.equal(201);
    expect(r.body).to.include({
      name: 'Contoso',
      cloud: 'global',
      tenantId: s.sim.tenantId,
      status: 'draft',
      syncMode: 'webhooks',
    });
    expect(r.body.clientSecret).to.deep.equal({ set: true, hint: `…${s.sim.clientSecret.slice(-3)}` });
    expect(JSON.stringify(r.body)).to.not.include(s.sim.clientSecret);
    const row = await s.h.db.ds.getRepository(IntegrationEntity).findOneByOrFail({ id: r.body.id });
    expect(row.clientSecretSealed).to.match(/^v1\./);
    expect(row.clientSecretSealed).to.not.include(s.sim.clientSecret);
    const list = await s.h.call('/api/v1/integrations');
    expect(list.body.items.map((i: { id: string }) => i.id)).to.include(r.body.id);
    expect(JSON.stringify(list.body)).to.not.include(s.sim.clientSecret);
  });

  it('names each bad field of a create body', async () => {
    const r = await s.h.call('/api/v1/integrations', {
      method: 'POST',
      json: {
        name: '',
        cloud: 'mars',
        tenantId: 'not a tenant',
        clientId: '1234',
        clientSecret: '',
        endpoints: { login: 'http://x', graph: 'nope' },
        extra: true,
      },
    });
    expect(r.status).to.equal(400);
    const fields = r.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).to.include.members([
      'body.name',
      'body.cloud',
      'body.tenantId',
      'body.clientId',
      'body.clientSecret',
      'body.endpoints.login',
      'body.endpoints.graph',
      'body',
    ]);
    expect(r.body.error.details.find((d: { field: string }) => d.field === 'body.cloud').message).to.equal(
      'must be global (Microsoft) or china (21Vianet)',
    );
  });

  it('accepts a verified domain as the tenant', async () => {
    const r = await s.h.call('/api/v1/integrations', {
      method: 'POST',
      json: s.body({ tenantId: 'contoso.onmicrosoft.com', endpoints: undefined }),
    });
    expect(r.status).to.equal(201);
  });

  it('rotates the secret on PATCH, forgets the last test, and 404s unknown ids', async () => {
    const id = await s.create();
    await s.h.call(`/api/v1/integrations/${id}/test`, { method: 'POST' });
    expect((await s.h.call(`/api/v1/integrations/${id}`)).body.lastTest).to.not.equal(null);
    const r = await s.h.call(`/api/v1/integrations/${id}`, {
      method: 'PATCH',
      json: { clientSecret: 'new-secret-xyz' },
    });
    expect(r.status).to.equal(200);
    expect(r.body.clientSecret.hint).to.equal('…xyz');
    expect(r.body.lastTest).to.equal(null);
    const renamed = await s.h.call(`/api/v1/integrations/${id}`, { method: 'PATCH', json: { name: 'Renamed' } });
    expect(renamed.body.name).to.equal('Renamed');
    expect((await s.h.call(`/api/v1/integrations/${id}`, { method: 'PATCH', json: {} })).status).to.equal(400);
    expect((await s.h.call('/api/v1/integrations/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
    expect((await s.h.call('/api/v1/integrations/not-a-uuid')).status).to.equal(400);
  });

  it('deletes an integration (404 afterwards), keeping its rooms and users deactivated', async () => {
    const id = await s.create();
    const users = new UserRepository(s.h.db.ds);
    const rooms = new RoomRepository(s.h.db.ds);
    await users.upsertBatch([
      {
        integrationId: id,
        graphId: '00000000-0000-0000-0000-000000000001',
        userPrincipalName: 'a@x.com',
        mail: null,
        displayName: 'A',
        accountEnabled: true,
        active: true,
        inactiveReason: null,
        cardNumber: '42',
      },
    ]);
    await rooms.upsertBatch([
      {
        integrationId: id,
        email: 'room@x.com',
        graphId: null,
        displayName: 'Room',
        capacity: 4,
        building: null,
        floorNumber: null,
        floorLabel: null,
        bookingType: null,
        isWheelChairAccessible: null,
        tags: null,
      },
    ]);
    expect((await s.h.call(`/api/v1/integrations/${id}`, { method: 'DELETE' })).status).to.equal(204);
    expect((await s.h.call(`/api/v1/integrations/${id}`)).status).to.equal(404);
    expect((await s.h.call(`/api/v1/integrations/${id}`, { method: 'DELETE' })).status).to.equal(404);
    const [user] = (await users.list(id, { limit: 10 })).items;
    expect(user).to.include({ active: false, inactiveReason: 'integration_deleted', cardNumber: '42' });
    const [room] = (await rooms.list(id, { limit: 10 })).items;
    expect(room).to.include({ active: false, email: 'room@x.com' });
  });

  it('gives the Redirect URI built from PUBLIC_BASE_URL', async () => {
    const id = await s.create();
    const r = await s.h.call(`/api/v1/integrations/${id}/redirect-uri`);
    expect(r.body).to.deep.equal({ redirectUri: 'https://ones-m365.example.com/auth/callback' });
  });

  it('stores the sync mode and refuses a poll interval under a minute', async () => {
    const id = await s.create();
    const r = await s.h.call(`/api/v1/integrations/${id}/sync-mode`, {
      method: 'PUT',
      json: { mode: 'polling', pollIntervalSeconds: 600 },
    });
    expect(r.body).to.include({ syncMode: 'polling', pollIntervalSeconds: 600 });
    const bad = await s.h.call(`/api/v1/integrations/${id}/sync-mode`, {
      method: 'PUT',
      json: { mode: 'push', pollIntervalSeconds: 5 },
    });
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).to.have.members([
      'body.mode',
      'body.pollIntervalSeconds',
    ]);
  });
});

describe('custom endpoints are refused unless ALLOW_CUSTOM_ENDPOINTS=true', () => {
  it('answers 400 naming body.endpoints', async () => {
    const h = await startApiHarness();
    try {
      const r = await h.call('/api/v1/integrations', {
        method: 'POST',
        json: {
          name: 'x',
          cloud: 'global',
          tenantId: 'contoso.com',
          clientId: '11111111-2222-3333-4444-555555555555',
          clientSecret: 's',
          endpoints: { login: 'https://a.example', graph: 'https://b.example' },
        },
      });
      expect(r.status).to.equal(400);
      expect(r.body.error.details[0].field).to.equal('body.endpoints');
      expect(r.body.error.details[0].message).to.include('ALLOW_CUSTOM_ENDPOINTS');
    } finally {
      await h.close();
    }
  });
});
