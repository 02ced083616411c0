/**
 * users.sync against the simulator, MySQL and Redis: full load (list bracketed by a delta link),
 * delta rounds with every kind of change, card numbers, default groups, scope, expired state.
 */
import { expect } from 'chai';
import { GroupRepository, IntegrationRepository, SyncStateRepository, UserRepository } from '@ones-m365/shared/db';
import { requestSync } from '@ones-m365/shared/sync';
import { activeIds, startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

describe('users sync (simulator, MySQL, Redis)', function () {
  this.timeout(60_000);
  let h: SyncHarness;

  before(async () => {
    h = await startSyncHarness({
      seed: { users: 1200, pagerShare: 0.5, disabledShare: 0.02 },
      settings: { deltaPageSize: 150 },
    });
    h.startWorkers();
  });
  after(() => h.close());

  const sync = async (mode: 'full' | 'delta') => {
    await requestSync(h, { integrationId: h.integration.id, stream: 'users', mode, trigger: 'api' });
    await h.idle();
  };
  /** Requests served for exactly this route template. */
  const served = (route: string) =>
    h.sim
      .counters()
      .filter((r) => r.route === route)
      .reduce((n, r) => n + r.count, 0);
  const expectEqualToTenant = async () => {
    const users = await h.dbUsers();
    expect(new Set(users.map((u) => u.graphId)).size, 'no duplicates').to.equal(users.length);
    expect([...activeIds(users)].sort()).to.deep.equal([...h.tenantActiveIds()].sort());
  };

  it('loads the tenant in full with /users pages of 999 bracketed by a delta link, then stores it', async () => {
    const group = await new GroupRepository(h.db.ds).create('Staff');
    await new IntegrationRepository(h.db.ds).update(h.integration.id, {
      userSettings: { defaultGroupIds: [group.id], cardNumber: { enabled: false }, loginButtonName: 'Sign in' },
    });
    h.sim.resetCounters();
    await sync('full');
    await expectEqualToTenant();
    expect(served('/v1.0/users')).to.equal(2);
    expect(served('/v1.0/users/delta')).to.equal(2); // latest + catch-up
    const state = await new SyncStateRepository(h.db.ds).get(h.integration.id, 'users');
    expect(state?.deltaLink).to.be.a('string');
    expect(state?.checkpoint).to.equal(null);
    const [run] = await h.runs();
    expect(run).to.include({ stream: 'users', mode: 'full', trigger: 'api', status: 'succeeded', created: 1200 });
    expect(run!.graphRequests).to.be.greaterThan(3);
    const page = await new UserRepository(h.db.ds).list(h.integration.id, { limit: 5 });
    for (const u of page.items) expect(u.groupIds).to.deep.equal([group.id]);
    const disabled = (await h.dbUsers()).filter((u) => !u.accountEnabled);
    expect(disabled.length).to.be.greaterThan(0);
    for (const u of disabled) expect(u).to.include({ active: false, inactiveReason: 'disabled' });
  });

  it('follows delta: create, update, disable, soft delete, restore, hard delete; default groups only for new users', async () => {
    const [a, b, c, d, e] = h.sim.listUsers({ limit: 5, offset: 10, state: 'active' });
    const users = new UserRepository(h.db.ds);
    const [stored] = await users.byGraphIds(h.integration.id, [a!.id]);
    await users.addToGroups([stored!.id], []); // nothing
    const created = h.sim.createUser({ displayName: 'New Person', mailNickname: 'new.person' });
    h.sim.updateUser(a!.id, { displayName: 'Renamed' });
    h.sim.disableUser(b!.id);
    h.sim.softDeleteUser(c!.id);
    h.sim.softDeleteUser(d!.id);
    h.sim.restoreUser(d!.id);
    h.sim.hardDeleteUser(e!.id);
    h.sim.resetCounters();
    await sync('delta');
    expect(served('/v1.0/users')).to.equal(0);
    await expectEqualToTenant();
    const byId = new Map((await h.dbUsers()).map((u) => [u.graphId, u]));
    expect(byId.get(created.id)).to.include({ active: true, displayName: 'New Person' });
    expect(byId.get(a!.id)).to.include({ displayName: 'Renamed', active: true });
    expect(byId.get(b!.id)).to.include({ active: false, inactiveReason: 'disabled' });
    expect(byId.get(c!.id)).to.include({ active: false, inactiveReason: 'soft_deleted' });
    expect(byId.get(d!.id)).to.include({ active: true, inactiveReason: null });
    expect(byId.get(e!.id)).to.include({ active: false, inactiveReason: 'deleted' });
    const [run] = await h.runs();
    expect(run).to.include({ mode: 'delta', status: 'succeeded', created: 1, deactivated: 3 });
    const page = await users.list(h.integration.id, { limit: 2000 });
    const groupsOf = new Map(page.items.map((u) => [u.graphId, u.groupIds]));
    expect(groupsOf.get(created.id)).to.have.length(1);
  });

  it('replayed delta pages change nothing', async () => {
    h.sim.updateSettings({ deltaReplays: true });
    try {
      const before = (await h.dbUsers()).map((u) => `${u.graphId}:${u.active}:${u.displayName}`).sort();
      await sync('delta');
      await sync('delta');
      expect((await h.dbUsers()).map((u) => `${u.graphId}:${u.active}:${u.displayName}`).sort()).to.deep.equal(before);
      await expectEqualToTenant();
    } finally {
      h.sim.updateSettings({ deltaReplays: false });
    }
  });

  it('a full load deactivates users gone from the tenant (mark and sweep) and keeps their rows', async () => {
    const [gone] = h.sim.listUsers({ limit: 1, offset: 40, state: 'active' });
    h.sim.hardDeleteUser(gone!.id);
    // the delta state knows nothing of it: a full load must find it missing
    await new SyncStateRepository(h.db.ds).save(h.integration.id, 'users', { deltaLink: null });
    await sync('full');
    await expectEqualToTenant();
    const [row] = await new UserRepository(h.db.ds).byGraphIds(h.integration.id, [gone!.id]);
    expect(row).to.include({ active: false, inactiveReason: 'deleted' });
  });

  it('an expired delta state (410 in the middle of a run) is dropped and resynced in full, without duplicates', async () => {
    for (let i = 0; i < 600; i++)
      h.sim.updateUser(h.sim.listUsers({ limit: 1, offset: i, state: 'active' })[0]!.id, { displayName: `Bulk ${i}` });
    h.sim.addLatencyFault({ ms: 400, match: '/users/delta' });
    await requestSync(h, { integrationId: h.integration.id, stream: 'users', mode: 'delta', trigger: 'webhook' });
    // wait until the delta round has committed a page, then expire every delta token
    const states = new SyncStateRepository(h.db.ds);
    for (let i = 0; i < 400 && !(await states.get(h.integration.id, 'users'))?.checkpoint; i++)
      await new Promise((r) => setTimeout(r, 10));
    h.sim.expireDeltaTokens();
    await h.idle();
    h.sim.clearFaults(); // (also forgets the expiry: only after the run)
    await expectEqualToTenant();
    const [run] = await h.runs();
    expect(run!.warnings!.join(' '), JSON.stringify(await h.runs())).to.match(/expired.*resynced in full/);
    expect(run!.status).to.equal('succeeded');
  });
});
