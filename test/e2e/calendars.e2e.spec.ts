/**
 * Room calendars end to end: the api and worker processes (child processes trusting the
 * simulator's CA), a fresh MySQL database, Redis and the simulator. A worker SIGKILLed in the
 * middle of the rooms' first calendar load is replaced; each room's run resumes from its last
 * committed page, and every room ends with exactly the bookings of its calendar, none twice.
 */
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '@ones-m365/graph-simulator';
import { openDatabase, RoomBookingEntity, SyncStateRepository } from '@ones-m365/shared/db';
import { createProducer, createRedisConnection, QUEUES, type Producer } from '@ones-m365/shared/queue';
import { formatStreamKey } from '@ones-m365/shared/sync';
import type { DataSource } from 'typeorm';
import { createMysqlDatabase } from '../support/db.js';
import { keyPrefixOf, removeQueueData, testEnv } from '../support/env.js';
import { freePort, spawnService, waitFor, waitForHttp, type ServiceProcess } from '../support/processes.js';
import { TEST_REDIS } from '../support/services.js';

const EVENTS_PER_ROOM = 300; // 6 pages of 50 a room

describe('room calendars end to end (api + worker processes)', function () {
  this.timeout(180_000);
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
  const idle = async () => {
    for (const q of [QUEUES.sync, QUEUES.calendars]) {
      const counts = await producer.queue(q).getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      if (Object.values(counts).some((n) => n > 0)) return false;
    }
    return true;
  };

  before(async () => {
    sim = await startGraphSimulator({
      seed: { seed: 12, users: 30, rooms: 3, hiddenRoomShare: 0, eventsPerRoom: EVENTS_PER_ROOM },
    });
    db = await createMysqlDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = testEnv({
      DATABASE_URL: db.url,
      PORT: String(port),
      NODE_EXTRA_CA_CERTS: sim.caCertPath,
      ALLOW_CUSTOM_ENDPOINTS: 'true',
      WORKER_LOCK_DURATION_MS: '2000',
      CALENDAR_CONCURRENCY: '3',
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

  it('a worker SIGKILLed mid-load is replaced: each room resumes from its committed page and ends with its calendar, nothing twice', async () => {
    sim.addLatencyFault({ ms: 300, match: 'calendarView' });
    workers.push(spawnService('worker', env));
    const started = await call('POST', `/integrations/${integrationId}/sync`, { scope: 'rooms', mode: 'full' });
    expect(started.status).to.equal(202);
    const rooms = await waitFor('the rooms', async () => {
      const r = await call('GET', `/integrations/${integrationId}/rooms?limit=100`);
      return r.body.items.length === 3 ? (r.body.items as { id: string; email: string }[]) : null;
    });
    const states = new SyncStateRepository(ds);
    const roundLink = async (roomId: string) => {
      const cp = (await states.get(integrationId, formatStreamKey({ kind: 'calendar', roomId })))?.checkpoint;
      return cp ? ((JSON.parse(cp) as { round?: { link: string } }).round?.link ?? null) : null;
    };
    // Killed once some room has committed a page of its full load and is reading the next.
    await waitFor(
      'a committed calendar page',
      async () => (await Promise.all(rooms.map((r) => roundLink(r.id)))).some((l) => l?.includes('skiptoken')),
      60_000,
      20,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${workers[0]!.output()}`);
    });
    await workers[0]!.stop('SIGKILL');
    const committed = await ds.getRepository(RoomBookingEntity).count({ where: { integrationId } });
    expect(committed)
      .to.be.above(0)
      .and.below(3 * EVENTS_PER_ROOM);
    sim.clearFaults();
    workers.push(spawnService('worker', env));
    await waitFor('the calendars to settle', idle, 90_000, 250);

    for (const room of rooms) {
      const rows = await ds.getRepository(RoomBookingEntity).find({ where: { integrationId, roomId: room.id } });
      const events = sim
        .listEvents(room.email)
        .filter((e) => e.type !== 'seriesMaster')
        .map((e) => e.id)
        .sort();
      expect(rows.map((r) => r.graphEventId).sort(), room.email).to.deep.equal(events);
    }
    const calendarRequests = sim
      .counters()
      .filter((r) => r.route.includes('calendarView'))
      .reduce((n, r) => n + r.count, 0);
    // 3 rooms × 6 pages, plus at most what each killed run had read past its last commit (the page
    // being written and the one prefetched meanwhile): resumed, not reloaded (that would be 3 × 6 more).
    expect(calendarRequests).to.be.within(3 * 6, 3 * 6 + 3 * 2);
    const runs = (await call('GET', `/integrations/${integrationId}/sync-runs?limit=100`)).body.items as {
      stream: string;
      status: string;
    }[];
    const calendarRuns = runs.filter((r) => r.stream.startsWith('calendar:'));
    expect(calendarRuns.filter((r) => r.status === 'succeeded').map((r) => r.stream)).to.have.members(
      rooms.map((r) => `calendar:${r.id}`),
    );
  });
});
