/**
 * On a Redis Cluster (the cluster layer's, TEST_REDIS_CLUSTER_NODES): every key of a deployment
 * is in one slot, and a users sync survives that slot moving to another master mid-run (keys
 * migrated in batches while the workers run: ASK, TRYAGAIN, then MOVED) and the master that owns
 * it restarting mid-run. Each ends with the database equal to the tenant, no run failed, no job
 * failed, and no two runs of the stream at once.
 */
import { expect } from 'chai';
import { createRedisConnection, QUEUES } from '@ones-m365/shared/queue';
import { requestSync, streamKeys } from '@ones-m365/shared/sync';
import { operationsKeys } from '@ones-m365/shared/operations';
import { pollUntil } from '../support/poll.js';
import { clusterControl } from '../support/redis-cluster.js';
import { TEST_REDIS, TEST_REDIS_CLUSTER_NODES } from '../support/services.js';
import { activeIds, startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const PAGE_MS = 120;

describe('Redis Cluster: one slot per deployment, moved and restarted under a running sync', function () {
  this.timeout(120_000);
  if (TEST_REDIS.kind !== 'cluster' || !process.env.TEST_REDIS_CLUSTER_DIR)
    throw new Error('test/cluster/ runs in the cluster layer (npm test -- cluster), on the cluster it starts');
  const ports = TEST_REDIS_CLUSTER_NODES!.split(',').map((n) => Number(n.split(':')[1]));
  const cluster = clusterControl(process.env.TEST_REDIS_CLUSTER_DIR, ports);
  let h: SyncHarness;
  let slot: number;

  before(async () => {
    h = await startSyncHarness({ seed: { users: 3000, rooms: 2 }, settings: { deltaPageSize: 100 } });
    // Slow pages, so a run lasts long enough for the slot to move (or its node to restart) under it.
    h.sim.addLatencyFault({ ms: PAGE_MS, target: 'graph' });
    h.startWorkers({ concurrency: 2, lockDurationMs: 5_000 });
    slot = await cluster.keySlot(`${h.prefix}:any`);
  });
  after(() => h.close());

  const users = { integrationId: '', stream: 'users' as const };
  const expectEqualToTenant = async () => {
    const rows = await h.dbUsers();
    expect(new Set(rows.map((u) => u.graphId)).size, 'no duplicates').to.equal(rows.length);
    expect([...activeIds(rows)].sort()).to.deep.equal([...h.tenantActiveIds()].sort());
  };
  const failedJobs = async () => (await h.producer.queue(QUEUES.sync).getJobCounts('failed')).failed;
  /** Runs of the stream never overlap: each started after the one before it finished. */
  const expectOneRunAtATime = async () => {
    const runs = (await h.runs()).filter((r) => r.stream === 'users').reverse();
    for (const [i, r] of runs.entries()) {
      expect(r.status, `run ${r.id}: ${r.error}`).to.equal('succeeded');
      if (i > 0) expect(r.startedAt.getTime()).to.be.at.least(runs[i - 1]!.finishedAt!.getTime());
    }
  };
  /** Asks for a run as a client does: a request refused while Redis is unavailable (503) is sent again. */
  const ask = (mode: 'full' | 'delta') =>
    pollUntil(
      `a ${mode} request to be accepted`,
      () =>
        requestSync(h, { ...users, mode, trigger: 'api' }).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
      { timeoutMs: 30_000, everyMs: 200 },
    );
  /** Starts a full load and resolves once it has written its first page. */
  const fullLoadUnderWay = async () => {
    users.integrationId = h.integration.id;
    await ask('full');
    await pollUntil(
      'the full load to write a page',
      () => h.runs(),
      (runs) =>
        runs.some((r) => r.status === 'running' && r.mode === 'full' && r.created + r.updated + r.unchanged > 0),
      { timeoutMs: 60_000, everyMs: 50 },
    );
  };
  /**
   * Runs `disruption` while the full load under way waits for Graph (its next pages are held
   * back meanwhile), and checks it was still running when the disruption was over.
   */
  const underTheRun = async (disruption: () => Promise<void>) => {
    h.sim.addLatencyFault({ ms: 6_000, target: 'graph' });
    await disruption();
    const running = (await h.runs()).filter((r) => r.status === 'running');
    h.sim.clearFaults();
    h.sim.addLatencyFault({ ms: PAGE_MS, target: 'graph' });
    expect(
      running.map((r) => r.mode),
      'the full load was under way throughout',
    ).to.deep.equal(['full']);
  };
  const changeTheTenant = () => {
    const [a, b] = h.sim.listUsers({ limit: 2, offset: 40, state: 'active' });
    h.sim.createUser({ displayName: `Joined ${Date.now()}`, mailNickname: `joined.${Date.now()}` });
    h.sim.updateUser(a!.id, { displayName: `Renamed ${Date.now()}` });
    h.sim.disableUser(b!.id);
  };

  it("keeps every key of the deployment in the one slot of its prefix's hash tag, on one master", async () => {
    users.integrationId = h.integration.id;
    await ask('full');
    await h.idle(90_000);
    const keys = streamKeys(h.prefix, users);
    for (const key of [keys.lock, keys.fullRequest, operationsKeys(h.prefix).counters, `${h.prefix}:sync:wait`])
      expect(await cluster.keySlot(key), key).to.equal(slot);
    const r = createRedisConnection(TEST_REDIS, 'worker');
    try {
      await pollUntil('the cluster client to connect', () => r.status === 'ready');
      const owners: number[] = [];
      for (const node of 'nodes' in r ? r.nodes('master') : []) {
        const [, found] = await node.scan('0', 'MATCH', `${h.prefix}:*`, 'COUNT', 10_000);
        if (found.length) owners.push(node.options.port!);
      }
      expect(owners).to.deep.equal([await cluster.slotOwner(slot)]);
    } finally {
      r.disconnect();
    }
  });

  it('a full load whose slot moves to another master mid-run ends equal to the tenant, in one run', async () => {
    const from = await cluster.slotOwner(slot);
    const to = ports.find((p) => p !== from)!;
    await fullLoadUnderWay();
    changeTheTenant();
    let moved = { keys: 0 };
    await underTheRun(async () => {
      moved = await cluster.moveSlot(slot, to, { batch: 5, pauseMs: 30 });
    });
    expect(moved.keys).to.be.greaterThan(10);
    expect(await cluster.slotOwner(slot)).to.equal(to);
    // Requests after the move reach the new owner (the clients followed MOVED).
    changeTheTenant();
    await ask('delta');
    await h.idle(90_000);
    await expectEqualToTenant();
    await expectOneRunAtATime();
    expect(await failedJobs()).to.equal(0);
  });

  it('a full load whose master restarts mid-run (keys kept in its append-only file) ends equal to the tenant', async () => {
    const owner = await cluster.slotOwner(slot);
    await fullLoadUnderWay();
    changeTheTenant();
    await underTheRun(() => cluster.restartNode(owner, { how: 'shutdown', downMs: 1_000 }));
    changeTheTenant();
    await ask('delta');
    await h.idle(90_000);
    await expectEqualToTenant();
    await expectOneRunAtATime();
    expect(await failedJobs()).to.equal(0);
  });
});
