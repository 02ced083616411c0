/**
 * One measurement of bench/calendars.bench.ts, in its own process (so its RSS is the load's
 * alone), trusting the simulator through NODE_EXTRA_CA_CERTS. Prints one JSON line.
 *
 * 1. first load: rooms.sync, then the calendar.sync handler of every synced room with the same
 *    number of Graph requests in flight, as a worker runs them: B_CONCURRENCY request lanes and
 *    twice as many jobs (one room written while the next is read), on MySQL (B_MYSQL_URL) or a
 *    SQLite file, real Redis; its peak RSS;
 * 2. plain walk: every room's calendarView delta pages over the window, through the same Graph
 *    client, B_CONCURRENCY rooms at a time, writing nothing.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SecretBox } from '@ones-m365/shared/crypto';
import { createRepositories, RoomBookingEntity, SyncRunRepository } from '@ones-m365/shared/db';
import { createGraphClient, createRequestCounter } from '@ones-m365/shared/graph';
import { redisKeyPrefix } from '@ones-m365/shared/config';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { createCoordination } from '@ones-m365/shared/sync';
import { calendarSyncJob } from '../services/worker/src/jobs/calendar-sync.job.js';
import { roomsSyncJob } from '../services/worker/src/jobs/rooms-sync.job.js';
import { windowAt } from '../services/worker/src/sync/calendars/calendar-window.js';
import { calendarQueueLimits } from '../services/worker/src/worker-process.js';
import {
  benchConnection,
  benchJobContext,
  benchRedis,
  pool,
  sampleRss,
  storeBenchIntegration,
  withBenchDatabase,
} from './support/child-env.js';

const env = process.env;
const CONCURRENCY = Number(env.B_CONCURRENCY ?? 4);
const PAGE_SIZE = 50;
const WINDOW = { past: 1, future: 180 };
const conn = benchConnection();
const graph = createGraphClient();

async function roomEmails(): Promise<string[]> {
  const emails: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await graph.listRoomsPage(conn, cursor);
    emails.push(...page.rooms.map((r) => r.emailAddress!).filter(Boolean));
    cursor = page.nextCursor;
  } while (cursor);
  return emails;
}

async function plainWalk(emails: string[]): Promise<{ ms: number; requests: number }> {
  const counter = createRequestCounter();
  const c = { ...conn, counter };
  const w = windowAt(new Date(), WINDOW);
  const t0 = performance.now();
  await pool(emails, CONCURRENCY, async (email) => {
    let link: string | undefined;
    let first = true;
    while (first || link) {
      const p = await graph.calendarViewDelta(c, email, link ? { link } : { start: w.start, end: w.end }, PAGE_SIZE);
      first = false;
      link = p.nextLink;
    }
  });
  return { ms: performance.now() - t0, requests: counter.count };
}

async function firstLoad(): Promise<{
  ms: number;
  /** CPU of this process during the load (its threads: zlib's too). */
  cpuMs: number;
  requests: number;
  rooms: number;
  bookings: number;
  peakRssMb: number;
  baseRssMb: number;
}> {
  return await withBenchDatabase('calendars', async (db) => {
    const redis = createRedisConnection(benchRedis, 'worker');
    const prefix = redisKeyPrefix(`bench-${randomUUID()}`);
    const producer = createProducer(createRedisConnection(benchRedis, 'producer'), prefix);
    const box = new SecretBox(randomBytes(32));
    await storeBenchIntegration(db, box, conn);
    const repositories = createRepositories(db);
    const queue = calendarQueueLimits(CONCURRENCY);
    const deps = {
      ...repositories,
      coordination: createCoordination(redis, prefix),
      producer,
      graph,
      secretBox: box,
      lockLeaseMs: 30_000,
      calendar: { windowDays: WINDOW, pageSize: PAGE_SIZE },
      requestLanes: queue.lanes,
    };
    try {
      await roomsSyncJob(deps).handle({ integrationId: conn.id, trigger: 'api' }, benchJobContext());
      const rooms = await repositories.rooms.activeIds(conn.id);
      const job = calendarSyncJob(deps);
      const rss = sampleRss();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await pool(rooms, queue.jobs, async (room) => {
        await job.handle({ integrationId: conn.id, roomId: room.id, mode: 'full', trigger: 'api' }, benchJobContext());
      });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const memory = rss.stop();
      const runs = (await new SyncRunRepository(db).listLatest(conn.id, rooms.length + 10)).filter((r) =>
        r.stream.startsWith('calendar:'),
      );
      const bookings = await db.getRepository(RoomBookingEntity).count();
      return {
        ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
        requests: runs.reduce((n, r) => n + r.graphRequests, 0),
        rooms: rooms.length,
        bookings,
        ...memory,
      };
    } finally {
      await producer.close();
      redis.disconnect();
    }
  });
}

const emails = await roomEmails();
await plainWalk(emails.slice(0, 20)); // warm-up: token, TLS, JIT
// The load before the walk: the peak RSS is the load's own (a walk of 2,000 rooms leaves the
// process 40 MB larger, which V8 keeps for a while), and the walk runs in the warmer process.
const load = await firstLoad();
const walk = await plainWalk(emails);
console.log(JSON.stringify({ walk, load }));
process.exit(0);
