/**
 * Sync end to end: the api and two worker processes (child processes trusting the simulator's CA
 * through NODE_EXTRA_CA_CERTS), a fresh MySQL database, Redis, and the simulator. Driven through
 * the REST API; checked against the tenant and the sync_runs rows.
 */
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '@ones-m365/graph-simulator';
import { openDatabase, SyncStateRepository, UserEntity } from '@ones-m365/shared/db';
import type { DataSource } from 'typeorm';
import { createProducer, createRedisConnection, QUEUES, type Producer } from '@ones-m365/shared/queue';
import { createMysqlDatabase } from '../support/db.js';
import { keyPrefixOf, removeQueueData, testEnv } from '../support/env.js';
import { freePort, spawnService, waitFor, waitForHttp, type ServiceProcess } from '../support/processes.js';
import { TEST_REDIS } from '../support/services.js';
import { storedEvents } from '../support/stored-events.js';

describe('sync end to end (api + two workers as processes)', function () {
  this.timeout(120_000);
  let sim: GraphSimulator;
  let db: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let ds: DataSource;
  let env: Record<string, string | undefined>;
  let base: string;
  let api: ServiceProcess;
  const workers: ServiceProcess[] = [];
  let integrationId: string;
  let producer: Producer;

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${env.API_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const tenantActive = () =>
    sim
      .listUsers({ limit: 1_000_000, state: 'active' })
      .filter((u) => u.props.accountEnabled !== false)
      .map((u) => u.id)
      .sort();
  const dbActive = async () =>
    (await ds.getRepository(UserEntity).find({ where: { integrationId, active: true } })).map((u) => u.graphId).sort();
  const runs = async () =>
    (await call('GET', `/integrations/${integrationId}/sync-runs?limit=100`)).body.items as {
      id: string;
      stream: string;
      mode: string;
      status: string;
      startedAt: string;
      finishedAt: string | null;
      graphRequests: number;
      warnings: string[];
    }[];
  const queueIdle = async () => {
    const counts = await producer.queue(QUEUES.sync).getJobCounts('waiting', 'delayed', 'active', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  };
  /** Waits until more than `after` runs exist and none is running (the queue is drained). */
  const settled = (after = 0) =>
    waitFor(
      'sync runs to settle',
      async () => {
        const r = await runs();
        return r.length > after && r.every((x) => x.status !== 'running') && (await queueIdle()) ? r : null;
      },
      90_000,
      250,
    );

  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 5, users: 4000, rooms: 40 } });
    db = await createMysqlDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = testEnv({
      DATABASE_URL: db.url,
      PORT: String(port),
      NODE_EXTRA_CA_CERTS: sim.caCertPath,
      ALLOW_CUSTOM_ENDPOINTS: 'true',
      WORKER_LOCK_DURATION_MS: '2000',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    });
    producer = createProducer(createRedisConnection(TEST_REDIS, 'producer'), keyPrefixOf(env));
    api = spawnService('api', env);
    await waitForHttp(`${base}/readyz`, api);
    ds = await openDatabase(db.url, { migrate: false });
    const created = await call('POST', '/integrations', {
      name: 'Simulated',
      cloud: 'global',
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      endpoints: { login: sim.loginUrl, graph: sim.graphUrl },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    integrationId = created.body.id;
  });
  after(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await api?.stop('SIGKILL');
    await producer?.close();
    await ds?.destroy();
    await sim?.close();
    await db?.drop();
    await removeQueueData(keyPrefixOf(env));
  });

  it('validates requests: 404 for an unknown integration, 422 for calendars of an unknown room, 400 naming bad fields', async () => {
    expect((await call('POST', '/integrations/nope/sync', { scope: 'users', mode: 'full' })).status).to.equal(404);
    expect((await call('GET', '/integrations/nope/users')).status).to.equal(404);
    const cal = await call('POST', `/integrations/${integrationId}/sync`, {
      scope: 'calendars',
      roomId: 'no-such-room',
    });
    expect(cal.status).to.equal(422);
    expect(cal.body.error.details).to.deep.equal([
      { field: 'body.roomId', message: 'is not a synced room of this integration' },
    ]);
    const bad = await call('POST', `/integrations/${integrationId}/sync`, { scope: 'desks', mode: 'sometimes' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).to.include.members([
      'body.scope',
      'body.mode',
    ]);
  });

  it('a worker killed with SIGKILL mid-sync is replaced; the run resumes from its checkpoint and ends equal to the tenant', async () => {
    sim.addLatencyFault({ ms: 250, match: '/users' });
    workers.push(spawnService('worker', env));
    const started = await call('POST', `/integrations/${integrationId}/sync`, { scope: 'all', mode: 'full' });
    expect(started.status).to.equal(202);
    expect(started.body.jobs.map((j: { stream: string }) => j.stream)).to.deep.equal(['rooms', 'users']);
    const states = new SyncStateRepository(ds);
    await waitFor(
      'a committed /users page',
      async () => /"phase":"list".*"link":/.test((await states.get(integrationId, 'users'))?.checkpoint ?? ''),
      60_000,
      20,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${workers[0]!.output()}\n${JSON.stringify(sim.counters())}`);
    });
    await workers[0]!.stop('SIGKILL');
    sim.updateUser(sim.listUsers({ limit: 1, offset: 3900 })[0]!.id, { displayName: 'Changed while down' });
    sim.clearFaults();
    workers.push(spawnService('worker', env));
    await settled();
    expect(await dbActive()).to.deep.equal(tenantActive());
    const served = (route: string) =>
      sim
        .counters()
        .filter((r) => r.route === route)
        .reduce((n, r) => n + r.count, 0);
    expect(served('/v1.0/users/delta'), 'one bracket + one catch-up: resumed, not restarted').to.equal(2);
    expect(served('/v1.0/users'), '5 pages, at most the in-flight ones again').to.be.within(5, 7);
    const job = await call('GET', `/jobs/${started.body.jobId}`);
    expect(job.body).to.include({ state: 'completed' });
    const users = await runs();
    expect(users.find((r) => r.stream === 'users')).to.include({ status: 'succeeded', mode: 'full' });
    // The events committed with the pages: one user.created per stored user, none for a user not
    // stored, although the killed worker's page was written again by the next one.
    const rows = await ds.getRepository(UserEntity).find({ where: { integrationId } });
    const stored = await storedEvents(ds, integrationId);
    const events = async (type: string) =>
      stored.filter((e) => e.type === type).map((e) => e.data as { id: string; graphId: string; displayName: string });
    const created = (await events('user.created')).map((u) => u.id);
    expect(created.length, 'one user.created per user').to.equal(rows.length);
    expect([...created].sort()).to.deep.equal(rows.map((u) => u.id).sort());
    const renamed = rows.find((u) => u.displayName === 'Changed while down')!;
    const ofRenamed = [...(await events('user.created')), ...(await events('user.updated'))].filter(
      (u) => u.graphId === renamed.graphId,
    );
    expect(ofRenamed.at(-1)?.displayName, 'the last event of a user is its stored state').to.equal(
      'Changed while down',
    );
    const rooms = await ds.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM rooms WHERE integration_id = ?', [
      integrationId,
    ]);
    expect((await events('room.created')).length).to.equal(Number(rooms[0]!.n));
  });

  it('two worker processes started at once: one run per stream at a time, every request served', async () => {
    for (const w of workers.splice(0)) await w.stop('SIGTERM');
    workers.push(spawnService('worker', env), spawnService('worker', env));
    await waitFor(
      'both workers on the sync queue',
      async () => (await producer.queue(QUEUES.sync).getWorkers()).length >= 2,
      30_000,
      100,
    );
    sim.addLatencyFault({ ms: 60, match: '/users' });
    const before = (await runs()).length;
    for (let i = 0; i < 6; i++) {
      sim.updateUser(sim.listUsers({ limit: 1, offset: 100 + i })[0]!.id, { displayName: `Burst ${i}` });
      expect(
        (
          await call('POST', `/integrations/${integrationId}/sync`, {
            scope: i === 3 ? 'all' : 'users',
            mode: i === 3 ? 'full' : 'delta',
          })
        ).status,
      ).to.equal(202);
      await new Promise((r) => setTimeout(r, 150));
    }
    const lastRequestAt = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    await settled(before + 1);
    sim.clearFaults();
    const all = await settled(before + 1);
    const users = all.slice(0, all.length - before).filter((r) => r.stream === 'users');
    const spans = users
      .map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt!)] as const)
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]![0], 'runs of one stream never overlap').to.be.at.least(spans[i - 1]![1]);
    expect(users.length).to.be.within(2, 6);
    expect(Math.max(...spans.map((s) => s[1]))).to.be.at.least(lastRequestAt - 150);
    expect(await dbActive()).to.deep.equal(tenantActive());
    const page = await call('GET', `/integrations/${integrationId}/users?limit=50&active=true`);
    expect(page.body.items).to.have.length(50);
    expect(page.body.items[0]).to.include.keys(
      'id',
      'graphId',
      'userPrincipalName',
      'mail',
      'displayName',
      'accountEnabled',
      'active',
      'cardNumber',
      'groupIds',
    );
    const next = await call(
      'GET',
      `/integrations/${integrationId}/users?limit=50&active=true&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.items[0].id > page.body.items[49].id).to.equal(true);
    const rooms = await call('GET', `/integrations/${integrationId}/rooms?limit=500`);
    expect(rooms.body.items.filter((r: { active: boolean }) => r.active)).to.have.length(
      sim.listRooms().filter((r) => !r.hiddenFromGal).length,
    );
    expect(rooms.body.items[0]).to.include.keys(
      'id',
      'graphId',
      'email',
      'displayName',
      'capacity',
      'building',
      'floorNumber',
      'floorLabel',
      'active',
    );
  });

  it('the mass-deactivation guard stops a run; confirming it through the API deactivates', async () => {
    const victims = sim
      .listUsers({ limit: 1200, offset: 1000, state: 'active' })
      .filter((u) => u.props.accountEnabled !== false);
    for (const v of victims) sim.softDeleteUser(v.id);
    const before = (await runs()).length;
    await call('POST', `/integrations/${integrationId}/sync`, { scope: 'users', mode: 'delta' });
    const [stopped] = await settled(before);
    expect(stopped).to.include({ status: 'needs_confirmation' });
    expect((await dbActive()).length).to.be.greaterThan(tenantActive().length);
    // The api process reads what the worker processes recorded: health and /metrics.
    const waiting = (await call('GET', `/integrations/${integrationId}/health`)).body.checks.find(
      (c: { name: string }) => c.name === 'confirmation',
    );
    expect(waiting.status).to.equal('warning');
    expect(waiting.message).to.include(`/sync-runs/${stopped!.id}/confirm`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).to.include(
      `ones_m365_sync_runs_total{integration="${integrationId}",stream="users",status="needs_confirmation"} 1`,
    );
    const requests = metrics
      .split('\n')
      .find((l) => l.startsWith(`ones_m365_graph_requests_total{integration="${integrationId}"}`));
    expect(Number(requests?.split(' ')[1])).to.be.greaterThan(5);
    expect((await call('POST', `/integrations/${integrationId}/sync-runs/nope/confirm`)).status).to.equal(404);
    const confirmed = await call('POST', `/integrations/${integrationId}/sync-runs/${stopped!.id}/confirm`);
    expect(confirmed.status).to.equal(202);
    expect((await call('POST', `/integrations/${integrationId}/sync-runs/${stopped!.id}/confirm`)).status).to.equal(
      409,
    );
    const [done] = await settled(before + 1);
    expect(done).to.include({ status: 'succeeded' });
    expect(await dbActive()).to.deep.equal(tenantActive());
    const health = (await call('GET', `/integrations/${integrationId}/health`)).body;
    expect(health.checks.find((c: { name: string }) => c.name === 'confirmation').status).to.equal('ok');
  });
});
