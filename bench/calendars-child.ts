/**
 * One measurement of bench/calendars.bench.ts, in its own process (so its RSS is the load's
 * alone), trusting the simulator through NODE_EXTRA_CA_CERTS. Prints one JSON line.
 *
 * 1. plain walk: every room's calendarView delta pages over the window, through the same Graph
 *    client, B_CONCURRENCY rooms at a time, writing nothing;
 * 2. first load: rooms.sync, then the calendar.sync handler of every synced room with the same
 *    concurrency, on MySQL (B_MYSQL_URL) or a SQLite file, real Redis.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { SecretBox } from '@ones-m365/shared/crypto';
import {
  createRepositories,
  IntegrationRepository,
  openDatabase,
  RoomBookingEntity,
  SyncRunRepository,
} from '@ones-m365/shared/db';
import { createGraphClient, createRequestCounter, type GraphConnection } from '@ones-m365/shared/graph';
import { sealSecret } from '@ones-m365/shared/integrations';
import { silentLogger } from '@ones-m365/shared/logging';
import { redisKeyPrefix } from '@ones-m365/shared/config';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { createCoordination } from '@ones-m365/shared/sync';
import { calendarSyncJob } from '../services/worker/src/jobs/calendar-sync.job.js';
import type { JobContext } from '../services/worker/src/jobs/job-handler.js';
import { roomsSyncJob } from '../services/worker/src/jobs/rooms-sync.job.js';
import { windowAt } from '../services/worker/src/sync/calendars/calendar-window.js';

const env = process.env;
const CONCURRENCY = Number(env.B_CONCURRENCY ?? 4);
const PAGE_SIZE = 50;
const WINDOW = { past: 1, future: 180 };
const conn: GraphConnection = {
  id: randomUUID(),
  cloud: 'global',
  tenantId: env.B_TENANT!,
  clientId: env.B_CLIENT!,
  clientSecret: env.B_SECRET!,
  endpoints: { login: env.B_LOGIN!, graph: env.B_GRAPH! },
};
const graph = createGraphClient();

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

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
  requests: number;
  rooms: number;
  bookings: number;
  peakRssMb: number;
  baseRssMb: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'calendars-bench-'));
  const mysql = env.B_MYSQL_URL ? await createConnection({ uri: env.B_MYSQL_URL }) : null;
  const dbName = `ones_m365_bench_${randomBytes(4).toString('hex')}`;
  if (mysql) await mysql.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const db = await openDatabase(
    mysql ? `${env.B_MYSQL_URL!.replace(/\/+$/, '')}/${dbName}` : `sqlite:${join(dir, 'bench.sqlite')}`,
  );
  const redisServer = { kind: 'server', url: env.B_REDIS ?? 'redis://127.0.0.1:6379' } as const;
  const redis = createRedisConnection(redisServer, 'worker');
  const prefix = redisKeyPrefix(`bench-${randomUUID()}`);
  const producer = createProducer(createRedisConnection(redisServer, 'producer'), prefix);
  const box = new SecretBox(randomBytes(32));
  await new IntegrationRepository(db).create({
    id: conn.id,
    name: 'bench',
    cloud: 'global',
    tenantId: conn.tenantId,
    clientId: conn.clientId,
    endpoints: conn.endpoints!,
    ...sealSecret(box, conn.id, conn.clientSecret),
  });
  const repositories = createRepositories(db);
  const deps = {
    ...repositories,
    coordination: createCoordination(redis, prefix),
    producer,
    graph,
    secretBox: box,
    lockLeaseMs: 30_000,
    calendar: { windowDays: WINDOW, pageSize: PAGE_SIZE },
  };
  const ctx = (): JobContext => ({
    jobId: randomUUID(),
    attemptsMade: 0,
    maxAttempts: 1,
    logger: silentLogger(),
    progress: async () => undefined,
    delay: async () => {
      throw new Error('throttled during the bench');
    },
  });
  await roomsSyncJob(deps).handle({ integrationId: conn.id, trigger: 'api' }, ctx());
  const rooms = await repositories.rooms.activeIds(conn.id);
  const job = calendarSyncJob(deps);
  global.gc?.();
  const baseRss = process.memoryUsage.rss();
  let peak = baseRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  const t0 = performance.now();
  await pool(rooms, CONCURRENCY, async (room) => {
    await job.handle({ integrationId: conn.id, roomId: room.id, mode: 'full', trigger: 'api' }, ctx());
  });
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const runs = (await new SyncRunRepository(db).listLatest(conn.id, rooms.length + 10)).filter((r) =>
    r.stream.startsWith('calendar:'),
  );
  const bookings = await db.getRepository(RoomBookingEntity).count();
  await db.destroy();
  if (mysql) await mysql.query(`DROP DATABASE \`${dbName}\``).then(() => mysql.end());
  await producer.close();
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
  return {
    ms,
    requests: runs.reduce((n, r) => n + r.graphRequests, 0),
    rooms: rooms.length,
    bookings,
    peakRssMb: peak / 2 ** 20,
    baseRssMb: baseRss / 2 ** 20,
  };
}

const emails = await roomEmails();
await plainWalk(emails.slice(0, 20)); // warm-up: token, TLS, JIT
const walk = await plainWalk(emails);
const load = await firstLoad();
console.log(JSON.stringify({ walk, load }));
process.exit(0);
