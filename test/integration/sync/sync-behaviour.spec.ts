/**
 * Rooms, cards, scope, the mass-deactivation guard, throttling and coalescing: each against the
 * simulator, MySQL and Redis with in-process workers.
 */
import { expect } from 'chai';
import {
  IntegrationRepository,
  RoomRepository,
  SyncRunRepository,
  SyncStateRepository,
  UserRepository,
} from '@ones-m365/shared/db';
import { QUEUES } from '@ones-m365/shared/queue';
import { MIN_DELTA_GAP_MS, requestSync, streamKeys } from '@ones-m365/shared/sync';
import { activeIds, startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

const settings = (over: Record<string, unknown>) => ({
  defaultGroupIds: [],
  cardNumber: { enabled: false },
  loginButtonName: 'Sign in',
  ...over,
});

describe('sync behaviour (simulator, MySQL, Redis)', function () {
  this.timeout(60_000);
  let h: SyncHarness;
  beforeEach(async () => {
    h = await startSyncHarness({ seed: { users: 300, rooms: 30, pagerShare: 0.8 }, settings: { deltaPageSize: 100 } });
  });
  afterEach(() => h.close());

  const users = (mode: 'full' | 'delta') =>
    requestSync(h, { integrationId: h.integration.id, stream: 'users', mode, trigger: 'api' });
  const tenantEqual = async () => {
    const rows = await h.dbUsers();
    expect(new Set(rows.map((u) => u.graphId)).size).to.equal(rows.length);
    expect([...activeIds(rows)].sort()).to.deep.equal([...h.tenantActiveIds()].sort());
  };

  it('rooms: keeps the selected ones with their attributes, deactivates unselected and removed ones, never deletes', async () => {
    h.startWorkers();
    const rooms = h.sim.listRooms().filter((r) => !r.hiddenFromGal);
    await requestSync(h, { integrationId: h.integration.id, stream: 'rooms', mode: 'full', trigger: 'api' });
    await h.idle();
    const repo = new RoomRepository(h.db.ds);
    let page = await repo.list(h.integration.id, { limit: 500 });
    expect(
      page.items
        .filter((r) => r.active)
        .map((r) => r.email)
        .sort(),
    ).to.deep.equal(rooms.map((r) => r.emailAddress.toLowerCase()).sort());
    const sample = page.items.find((r) => r.email === rooms[0]!.emailAddress.toLowerCase())!;
    expect(sample).to.include({
      capacity: rooms[0]!.capacity ?? null,
      building: rooms[0]!.building ?? null,
      floorNumber: rooms[0]!.floorNumber ?? null,
      bookingType: rooms[0]!.bookingType,
    });
    const picked = rooms.slice(0, 3).map((r) => r.emailAddress.toUpperCase());
    await new IntegrationRepository(h.db.ds).update(h.integration.id, {
      roomSettings: { mode: 'selected', roomEmails: [...picked, 'missing@example.com'] },
    });
    h.sim.removeRoom(rooms[1]!.emailAddress);
    await requestSync(h, { integrationId: h.integration.id, stream: 'rooms', mode: 'full', trigger: 'api' });
    await h.idle();
    page = await repo.list(h.integration.id, { limit: 500 });
    expect(page.items).to.have.length(rooms.length);
    expect(
      page.items
        .filter((r) => r.active)
        .map((r) => r.email)
        .sort(),
    ).to.deep.equal([rooms[0]!, rooms[2]!].map((r) => r.emailAddress.toLowerCase()).sort());
    const run = (await h.runs()).find((r) => r.stream === 'rooms'); // the calendar runs it asked for come after it
    expect(run).to.include({ stream: 'rooms', status: 'succeeded', deactivated: rooms.length - 2 });
    expect(run!.warnings!.join()).to.include('missing@example.com');
  });

  it('cards: trimmed from the pager extension; a duplicate among active users is not assigned and is reported', async () => {
    const ext = h.sim.tenantInfo().pagerExtension;
    await new IntegrationRepository(h.db.ds).update(h.integration.id, {
      userSettings: settings({ cardNumber: { enabled: true, attribute: ext } }),
    });
    const [a, b, c] = h.sim.listUsers({ limit: 3, offset: 5, state: 'active' });
    for (const u of [a, b, c]) h.sim.enableUser(u!.id);
    h.sim.updateUser(a!.id, { [ext]: '  C-0001 ' });
    h.sim.updateUser(b!.id, { [ext]: 'C-0001' });
    h.sim.updateUser(c!.id, { [ext]: ' C-0003' });
    h.startWorkers();
    await users('full');
    await h.idle();
    const byId = new Map((await h.dbUsers()).map((u) => [u.graphId, u]));
    expect(byId.get(c!.id)!.cardNumber).to.equal('C-0003');
    expect(byId.get(a!.id)!.cardNumber).to.equal(null);
    expect(byId.get(b!.id)!.cardNumber).to.equal(null);
    const [run] = await h.runs();
    expect(run!.warnings!.filter((w) => w.includes('C-0001'))).to.have.length(2);
    // b gives the card up: a delta gives it to a (its holder is gone)
    h.sim.updateUser(b!.id, { [ext]: null });
    h.sim.updateUser(a!.id, { [ext]: 'C-0001' });
    await users('delta');
    await h.idle();
    const [after] = await new UserRepository(h.db.ds).byGraphIds(h.integration.id, [a!.id]);
    expect(after!.cardNumber).to.equal('C-0001');
  });

  it('cards from pager without Directory.Read.All: warns on the run and syncs users without cards', async () => {
    await new IntegrationRepository(h.db.ds).update(h.integration.id, {
      userSettings: settings({ cardNumber: { enabled: true, attribute: 'pager' } }),
    });
    h.startWorkers();
    await users('full');
    await h.idle();
    const [run] = await h.runs();
    expect(run!.status).to.equal('succeeded');
    expect(run!.warnings!.join()).to.include('Directory.Read.All');
    await tenantEqual();
  });

  it('scope: only transitive members of the chosen groups are active, the others out_of_scope', async () => {
    const group = h.sim.listGroups().find((g) => g.memberIds.length > 0)!;
    await new IntegrationRepository(h.db.ds).update(h.integration.id, {
      userSettings: settings({ userScope: { groupIds: [group.id] } }),
    });
    const members = new Set<string>();
    for await (const ids of h.graph.transitiveMemberUserIds(
      {
        id: h.integration.id,
        cloud: 'global',
        tenantId: h.sim.tenantId,
        clientId: h.sim.clientId,
        clientSecret: h.sim.clientSecret,
        endpoints: { login: h.sim.loginUrl, graph: h.sim.graphUrl },
      },
      group.id,
    ))
      for (const id of ids) members.add(id);
    h.startWorkers();
    await users('full');
    await h.idle();
    const rows = await h.dbUsers();
    const expected = [...h.tenantActiveIds()].filter((id) => members.has(id)).sort();
    expect([...activeIds(rows)].sort()).to.deep.equal(expected);
    expect(
      rows.filter((u) => !u.active && u.accountEnabled).every((u) => u.inactiveReason === 'out_of_scope'),
    ).to.equal(true);
  });

  it('mass-deactivation guard: stops before deactivating, needs_confirmation, and confirm lets it through', async () => {
    h.startWorkers();
    await users('full');
    await h.idle();
    const victims = h.sim
      .listUsers({ limit: 120, offset: 100, state: 'active' })
      .filter((u) => u.props.accountEnabled !== false)
      .slice(0, 80);
    for (const v of victims) h.sim.softDeleteUser(v.id);
    await users('delta');
    await h.idle();
    const [stopped] = await h.runs();
    expect(stopped).to.include({ status: 'needs_confirmation', deactivated: 0 });
    expect(stopped!.warnings!.join()).to.match(/would deactivate 80 of \d+ active users/);
    const stillActive = activeIds(await h.dbUsers());
    for (const v of victims) expect(stillActive.has(v.id)).to.equal(true);
    // another run does not creep past the guard
    await users('delta');
    await h.idle();
    expect((await h.runs())[0]!.status).to.equal('needs_confirmation');
    expect(await new SyncRunRepository(h.db.ds).confirm(stopped!.id)).to.equal(true);
    await requestSync(h, { integrationId: h.integration.id, stream: 'users', mode: 'delta', trigger: 'confirm' });
    await h.idle();
    const [confirmed] = await h.runs();
    expect(confirmed).to.include({ trigger: 'confirm', status: 'succeeded', deactivated: 80 });
    await tenantEqual();
  });

  it('throttled Graph (429 with and without Retry-After) ends equal to the tenant; the job waits delayed', async () => {
    h.startWorkers();
    await users('full');
    await h.idle();
    for (let i = 0; i < 250; i++)
      h.sim.updateUser(h.sim.listUsers({ limit: 1, offset: i, state: 'active' })[0]!.id, { displayName: `T${i}` });
    h.sim.addErrorFault({ status: 429, retryAfterSeconds: 1, count: 2, match: '/users/delta' });
    const { jobId } = await users('delta');
    const q = h.producer.queue(QUEUES.sync);
    let sawDelayed = false;
    for (let i = 0; i < 100 && !sawDelayed; i++) {
      sawDelayed = (await q.getJob(jobId))?.delay !== undefined && (await q.getJobState(jobId)) === 'delayed';
      await new Promise((r) => setTimeout(r, 20));
    }
    await h.idle();
    expect(sawDelayed, 'job moved to delayed while throttled').to.equal(true);
    await tenantEqual();
    h.sim.addErrorFault({ status: 429, retryAfterSeconds: null, count: 3, match: '/users/delta' });
    h.sim.updateUser(h.sim.listUsers({ limit: 1, offset: 3, state: 'active' })[0]!.id, { displayName: 'After' });
    await users('delta');
    await h.idle();
    await tenantEqual();
    const runs = await h.runs();
    expect(runs.slice(0, 2).every((r) => r.status === 'succeeded')).to.equal(true);
  });

  it('coalescing: requests while one waits merge into it, a full one upgrading it; requests during a run make one follow-up', async () => {
    const workers = h.startWorkers();
    await users('full');
    await h.idle();
    await workers.close();
    const waiting = await users('delta');
    expect(waiting.coalesced).to.equal(false);
    expect(await users('full')).to.deep.equal({ jobId: waiting.jobId, coalesced: true });
    expect(await users('delta')).to.deep.equal({ jobId: waiting.jobId, coalesced: true });
    h.startWorkers({ concurrency: 4 }); // closed by the harness
    await h.idle();
    expect((await h.runs()).map((r) => r.mode)).to.deep.equal(['full', 'full']);

    // during a run: wait until its round has started (it has read the pending full requests), then ask thrice
    h.sim.addLatencyFault({ ms: 300, match: '/users' });
    const states = new SyncStateRepository(h.db.ds);
    await users('full');
    for (let i = 0; i < 300 && !(await states.get(h.integration.id, 'users'))?.checkpoint; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await users('delta')).coalesced).to.equal(true);
    expect((await users('full')).coalesced).to.equal(true);
    expect((await users('delta')).coalesced).to.equal(true);
    await h.idle();
    h.sim.clearFaults();
    const runs = (await h.runs()).reverse().slice(2);
    expect(runs.map((r) => r.mode)).to.deep.equal(['full', 'full']);
    expect(runs[1]!.startedAt.getTime()).to.be.at.least(runs[0]!.finishedAt!.getTime());
    expect(
      await h.redis.get(streamKeys(h.prefix, { integrationId: h.integration.id, stream: 'users' }).fullRequest),
    ).to.equal(null);
  });

  it('delta runs of one stream start at least 0.5 s apart, however soon they are asked for; the runs in between merge, none is lost', async () => {
    h.startWorkers({ concurrency: 4 });
    await users('full');
    await h.idle();
    const before = (await h.runs()).length;
    // As two api processes could: a request, and each time the run is over, the next at once.
    const user = h.sim.listUsers({ limit: 1 })[0]!;
    for (let i = 0; i < 4; i++) {
      h.sim.updateUser(user.id, { displayName: `spaced ${i}` });
      await users('delta');
      await h.idle();
    }
    const runs = (await h.runs()).reverse().slice(before);
    expect(runs.map((r) => [r.mode, r.status])).to.deep.equal(Array(4).fill(['delta', 'succeeded']));
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.startedAt.getTime() - runs[i - 1]!.startedAt.getTime()).to.be.at.least(MIN_DELTA_GAP_MS - 5);
    const row = (await h.dbUsers()).find((u) => u.graphId === user.id)!;
    expect(row.displayName).to.equal('spaced 3');
  });

  it('claimDeltaStart: the first start is free, one within the gap waits for the rest of it', async () => {
    const target = { integrationId: h.integration.id, stream: 'users' as const };
    expect(await h.coordination.claimDeltaStart(target, 400)).to.equal(0);
    const wait = await h.coordination.claimDeltaStart(target, 400);
    expect(wait).to.be.above(0).and.at.most(400);
    await new Promise((r) => setTimeout(r, wait + 20));
    expect(await h.coordination.claimDeltaStart(target, 400)).to.equal(0);
  });
});
