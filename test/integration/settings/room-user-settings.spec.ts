import { expect } from 'chai';
import { IntegrationRepository } from '@ones-m365/shared/db';
import { startSettingsHarness, type SettingsHarness } from '../../support/settings-harness.js';

describe('room settings', () => {
  let s: SettingsHarness;
  let id: string;
  before(async () => {
    // 230 rooms: three Places pages without nextLink ($top/$skip), as real tenants answer.
    s = await startSettingsHarness({ seed: { users: 5, rooms: 230, hiddenRoomShare: 0 } });
    id = await s.create();
  });
  after(() => s.close());

  it('lists every room of the tenant live, paging through', async () => {
    const r = await s.h.call(`/api/v1/integrations/${id}/available-rooms`);
    expect(r.status).to.equal(200);
    expect(r.body.items).to.have.length(230);
    expect(new Set(r.body.items.map((i: { email: string }) => i.email)).size).to.equal(230);
    expect(r.body.items[0]).to.have.keys([
      'graphId',
      'email',
      'displayName',
      'capacity',
      'building',
      'floorNumber',
      'floorLabel',
      'bookingType',
    ]);
  });

  it('stores "all" and "selected" with the chosen rooms (emails normalised)', async () => {
    const rooms = (await s.h.call(`/api/v1/integrations/${id}/available-rooms`)).body.items as { email: string }[];
    const chosen = [rooms[0]!.email.toUpperCase(), rooms[5]!.email];
    const r = await s.h.call(`/api/v1/integrations/${id}/room-settings`, {
      method: 'PUT',
      json: { mode: 'selected', roomEmails: chosen },
    });
    expect(r.status).to.equal(200);
    expect(r.body.roomSettings).to.deep.equal({ mode: 'selected', roomEmails: chosen.map((e) => e.toLowerCase()) });
    const all = await s.h.call(`/api/v1/integrations/${id}/room-settings`, { method: 'PUT', json: { mode: 'all' } });
    expect(all.body.roomSettings).to.deep.equal({ mode: 'all' });
  });

  it('rejects rooms the tenant does not have, naming each', async () => {
    const rooms = (await s.h.call(`/api/v1/integrations/${id}/available-rooms`)).body.items as { email: string }[];
    const r = await s.h.call(`/api/v1/integrations/${id}/room-settings`, {
      method: 'PUT',
      json: { mode: 'selected', roomEmails: [rooms[1]!.email, 'ghost@contoso.com', 'nobody@contoso.com'] },
    });
    expect(r.status).to.equal(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal([
      'body.roomEmails.1',
      'body.roomEmails.2',
    ]);
    expect(r.body.error.message).to.include('ghost@contoso.com');
  });

  it('validates the body shape', async () => {
    const r = await s.h.call(`/api/v1/integrations/${id}/room-settings`, {
      method: 'PUT',
      json: { mode: 'selected', roomEmails: ['not-an-email'] },
    });
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0].field).to.equal('body.roomEmails.0');
    const none = await s.h.call(`/api/v1/integrations/${id}/room-settings`, {
      method: 'PUT',
      json: { mode: 'selected' },
    });
    expect(none.body.error.details[0]).to.include({ field: 'body.roomEmails' });
  });
});

describe('user settings', () => {
  let s: SettingsHarness;
  let id: string;
  let groupId: string;
  before(async () => {
    s = await startSettingsHarness();
    id = await s.create();
    groupId = (await s.h.call('/api/v1/groups', { method: 'POST', json: { name: 'Employees' } })).body.id;
  });
  after(() => s.close());

  const settings = (over: Record<string, unknown> = {}) => ({
    defaultGroupIds: [groupId],
    cardNumber: { enabled: true, attribute: 'employeeId' },
    loginButtonName: 'Sign in with Contoso',
    ...over,
  });

  it('stores default groups, card source and button name', async () => {
    const r = await s.h.call(`/api/v1/integrations/${id}/user-settings`, { method: 'PUT', json: settings() });
    expect(r.status).to.equal(200);
    expect(r.body.userSettings).to.deep.equal(settings());
  });

  it('names unknown ONES groups, a too-long button name, and a missing card attribute', async () => {
    const r = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: settings({ defaultGroupIds: [groupId, 'missing-group'], cardNumber: { enabled: true } }),
    });
    expect(r.status).to.equal(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal([
      'body.defaultGroupIds.1',
      'body.cardNumber.attribute',
    ]);
    const long = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: settings({ loginButtonName: 'x'.repeat(41) }),
    });
    expect(long.body.error.details).to.deep.equal([
      { field: 'body.loginButtonName', message: 'must be 1-40 characters' },
    ]);
    const attr = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: settings({ cardNumber: { enabled: true, attribute: 'pagerNumber' } }),
    });
    expect(attr.body.error.details[0].field).to.equal('body.cardNumber.attribute');
  });

  it('accepts extensionAttributeN and an explicit extension_<appId>_pager name', async () => {
    for (const attribute of ['extensionAttribute7', s.sim.tenantInfo().pagerExtension]) {
      const r = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
        method: 'PUT',
        json: settings({ cardNumber: { enabled: true, attribute } }),
      });
      expect(r.status, attribute).to.equal(200);
      expect(r.body.userSettings.cardNumber.attribute).to.equal(attribute);
    }
  });

  it('explains that "pager" cannot be discovered with the four permissions (422 with the fix)', async () => {
    const r = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: settings({ cardNumber: { enabled: true, attribute: 'pager' } }),
    });
    expect(r.status).to.equal(422);
    expect(r.body.error.code).to.equal('pager_not_discoverable');
    expect(r.body.error.message).to.include('extension_<appId>_pager');
  });

  it('resolves "pager" to the tenant\'s extension when discovery is allowed', async () => {
    s.sim.setConsent(s.sim.clientId, { grant: ['Directory.Read.All'] });
    await s.h.call(`/api/v1/integrations/${id}`, { method: 'PATCH', json: { clientSecret: s.sim.clientSecret } });
    const r = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: settings({ cardNumber: { enabled: true, attribute: 'pager' } }),
    });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    expect(r.body.userSettings.resolvedCardAttribute).to.equal(s.sim.tenantInfo().pagerExtension);
  });

  it('checks the Entra groups of the user scope against the tenant', async () => {
    const [g] = s.sim.listGroups();
    const ok = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: settings({ userScope: { groupIds: [g!.id] } }),
    });
    expect(ok.status).to.equal(200);
    const bad = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: settings({ userScope: { groupIds: [g!.id, '99999999-9999-4999-8999-999999999999'] } }),
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('body.userScope.groupIds.1');
  });

  it('refuses scope group ids that are not GUIDs (dot segments included) without a Graph request', async () => {
    const [g] = s.sim.listGroups();
    const graphBefore = s.sim.requestCount();
    const r = await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: settings({ userScope: { groupIds: ['.', g!.id, '..', 'team1'] } }),
    });
    expect(r.status).to.equal(400);
    expect(r.body.error.details).to.deep.equal(
      ['0', '2', '3'].map((i) => ({
        field: `body.userScope.groupIds.${i}`,
        message: 'must be an Entra group id (a GUID)',
      })),
    );
    expect(s.sim.requestCount()).to.equal(graphBefore);
  });
});

describe('settings that change what a sync reads', () => {
  let s: SettingsHarness;
  before(async () => {
    s = await startSettingsHarness();
  });
  after(() => s.close());

  async function syncJobs(): Promise<{ name: string; data: Record<string, unknown> }[]> {
    const jobs = await s.h.producer.queue('sync').getJobs(['waiting', 'delayed', 'prioritized']);
    return jobs.map((j) => ({ name: j.name, data: j.data as Record<string, unknown> }));
  }

  it('ask an enabled integration for a rooms sync, or a full users sync, and leave a draft alone', async () => {
    const repo = new IntegrationRepository(s.h.db.ds);
    const draft = await s.create();
    await s.h.call(`/api/v1/integrations/${draft}/user-settings`, {
      method: 'PUT',
      json: { defaultGroupIds: [], cardNumber: { enabled: true, attribute: 'employeeId' }, loginButtonName: 'Go' },
    });
    expect(await syncJobs()).to.deep.equal([]);

    const id = await s.create();
    await repo.update(id, { status: 'enabled' });
    const rooms = (await s.h.call(`/api/v1/integrations/${id}/available-rooms`)).body.items as { email: string }[];
    await s.h.call(`/api/v1/integrations/${id}/room-settings`, {
      method: 'PUT',
      json: { mode: 'selected', roomEmails: [rooms[0]!.email] },
    });
    await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: { defaultGroupIds: [], cardNumber: { enabled: true, attribute: 'employeeId' }, loginButtonName: 'Go' },
    });
    const jobs = await syncJobs();
    expect(jobs.map((j) => [j.name, j.data.integrationId, j.data.trigger])).to.have.deep.members([
      ['rooms.sync', id, 'resync'],
      ['users.sync', id, 'resync'],
    ]);
    expect(jobs.find((j) => j.name === 'users.sync')?.data.mode).to.equal('full');

    // The same settings again change nothing a sync reads: no new job.
    await s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: { defaultGroupIds: [], cardNumber: { enabled: true, attribute: 'employeeId' }, loginButtonName: 'Renamed' },
    });
    expect(await syncJobs()).to.have.length(2);
  });
});
