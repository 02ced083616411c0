/**
 * One measurement of bench/sync.bench.ts, in its own process (so its RSS is the sync's alone),
 * trusting the simulator through NODE_EXTRA_CA_CERTS. Prints one JSON line.
 *
 * 1. plain walk: the pages a full sync reads ($deltatoken=latest, /users?$top=999, the catch-up
 *    delta, the Places pages), through the same Graph client, writing nothing;
 * 2. full sync: rooms.sync then users.sync handlers on MySQL (B_MYSQL_URL) or a SQLite file, real Redis;
 * 3. (optional) the plain /users/delta initial round, for its request count;
 * 4. (optional, MySQL) the write limit: the synced users written again by a raw set-based upsert
 *    and by the sync's own upsert path (support/write-limit.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { SecretBox } from '@ones-m365/shared/crypto';
import { createRepositories, IntegrationRepository, openDatabase, SyncRunRepository } from '@ones-m365/shared/db';
import { createGraphClient, createRequestCounter, type GraphConnection } from '@ones-m365/shared/graph';
import { sealSecret } from '@ones-m365/shared/integrations';
import { silentLogger } from '@ones-m365/shared/logging';
import { redisKeyPrefix } from '@ones-m365/shared/config';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { createCoordination } from '@ones-m365/shared/sync';
import { roomsSyncJob } from '../services/worker/src/jobs/rooms-sync.job.js';
import { usersSyncJob } from '../services/worker/src/jobs/users-sync.job.js';
import type { JobContext } from '../services/worker/src/jobs/job-handler.js';
import { userSelect } from '../services/worker/src/sync/users/user-mapping.js';
import { measureWriteLimit, type WriteLimit } from './support/write-limit.js';

const env = process.env;
const conn: GraphConnection = {
  id: randomUUID(),
  cloud: 'global',
  tenantId: env.B_TENANT!,
  clientId: env.B_CLIENT!,
  clientSecret: env.B_SECRET!,
  endpoints: { login: env.B_LOGIN!, graph: env.B_GRAPH! },
};
const graph = createGraphClient();
const redisServer = { kind: 'server', url: env.B_REDIS ?? 'redis://127.0.0.1:6379' } as const;
const select = userSelect(null);

async function plainWalk(): Promise<{ ms: number; requests: number }> {
  const counter = createRequestCounter();
  const c = { ...conn, counter };
  const t0 = performance.now();
  const bracket = await graph.usersDeltaLatest(c, select);
  let cursor: string | undefined;
  do cursor = (await graph.listUsersPage(c, { select, ...(cursor ? { cursor } : {}) })).nextCursor;
  while (cursor);
  let link: string | undefined = bracket;
  while (link) {
    const p = await graph.usersDelta(c, { select, link });
    link = p.nextLink;
  }
  let rc: string | undefined;
  do rc = (await graph.listRoomsPage(c, rc)).nextCursor;
  while (rc);
  return { ms: performance.now() - t0, requests: counter.count };
}

async function plainDeltaRequests(): Promise<number> {
  const counter = createRequestCounter();
  let link: string | undefined;
  let first = true;
  while (first || link) {
    const p = await graph.usersDelta({ ...conn, counter }, { select, ...(link ? { link } : {}) });
    first = false;
    link = p.nextLink;
  }
  return counter.count;
}

interface SyncResult {
  ms: number;
  usersMs: number;
  userRequests: number;
  roomRequests: number;
  peakRssMb: number;
  baseRssMb: number;
  writeLimit: WriteLimit | null;
}

async function fullSync(): Promise<SyncResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sync-bench-'));
  const mysql = env.B_MYSQL_URL ? await createConnection({ uri: env.B_MYSQL_URL }) : null;
  const dbName = `ones_m365_bench_${randomBytes(4).toString('hex')}`;
  if (mysql) await mysql.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const db = await openDatabase(
    mysql ? `${env.B_MYSQL_URL!.replace(/\/+$/, '')}/${dbName}` : `sqlite:${join(dir, 'bench.sqlite')}`,
  );
  const redis = createRedisConnection(redisServer, 'worker');
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
  // The rooms run asks for each room's calendar run: queued under a prefix of its own, run by no one here.
  const prefix = redisKeyPrefix(`bench-${randomUUID()}`);
  const producer = createProducer(createRedisConnection(redisServer, 'producer'), prefix);
  const deps = {
    ...createRepositories(db),
    coordination: createCoordination(redis, prefix),
    producer,
    graph,
    secretBox: box,
    lockLeaseMs: 30_000,
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
  global.gc?.();
  const baseRss = process.memoryUsage.rss();
  let peak = baseRss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const t0 = performance.now();
  await roomsSyncJob(deps).handle({ integrationId: conn.id, trigger: 'api' }, ctx());
  const t1 = performance.now();
  await usersSyncJob(deps).handle({ integrationId: conn.id, mode: 'full', trigger: 'api' }, ctx());
  const ms = performance.now() - t0;
  const usersMs = performance.now() - t1;
  clearInterval(sampler);
  const writeLimit =
    mysql && env.B_WRITE_LIMIT === '1' ? await measureWriteLimit(env.B_MYSQL_URL!, db, dbName, conn.id) : null;
  const runs = await new SyncRunRepository(db).listLatest(conn.id, 10);
  const req = (s: string) => runs.find((r) => r.stream === s)?.graphRequests ?? -1;
  await db.destroy();
  await producer.close();
  if (mysql) await mysql.query(`DROP DATABASE \`${dbName}\``).then(() => mysql.end());
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
  return {
    ms,
    usersMs,
    userRequests: req('users'),
    roomRequests: req('rooms'),
    peakRssMb: peak / 2 ** 20,
    baseRssMb: baseRss / 2 ** 20,
    writeLimit,
  };
}

await plainWalk(); // warm-up: token, TLS, JIT
const walk = await plainWalk();
const sync = await fullSync();
const delta = env.B_DELTA === '1' ? await plainDeltaRequests() : null;
console.log(JSON.stringify({ walk, sync, delta }));
process.exit(0);
