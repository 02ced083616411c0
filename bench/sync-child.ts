/**
 * One measurement of bench/sync.bench.ts, in its own process (so its RSS is the sync's alone),
 * trusting the simulator through NODE_EXTRA_CA_CERTS. Prints one JSON line.
 *
 * 1. plain walk: the pages a full sync reads ($deltatoken=latest, /users?$top=999, the catch-up
 *    delta, the Places pages), through the same Graph client, writing nothing;
 * 2. full sync: rooms.sync then users.sync handlers on MySQL (B_MYSQL_URL) or a SQLite file, real Redis
 *    (with the CPU the users load used, here and in the database server);
 * 3. (optional) the plain /users/delta initial round, for its request count;
 * 4. (optional, MySQL) the write limit: the synced users written again by a raw set-based upsert
 *    and by the sync's own upsert path (support/write-limit.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SecretBox } from '@ones-m365/shared/crypto';
import { createRepositories, SyncRunRepository } from '@ones-m365/shared/db';
import { createGraphClient, createRequestCounter } from '@ones-m365/shared/graph';
import { redisKeyPrefix } from '@ones-m365/shared/config';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { createCoordination } from '@ones-m365/shared/sync';
import { roomsSyncJob } from '../services/worker/src/jobs/rooms-sync.job.js';
import { usersSyncJob } from '../services/worker/src/jobs/users-sync.job.js';
import { userSelect } from '../services/worker/src/sync/users/user-mapping.js';
import {
  benchConnection,
  benchJobContext,
  benchRedis,
  cpuNow,
  sampleRss,
  storeBenchIntegration,
  withBenchDatabase,
} from './support/child-env.js';
import { measureWriteLimit, type WriteLimit } from './support/write-limit.js';

const env = process.env;
const conn = benchConnection();
const graph = createGraphClient();
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
  /** CPU milliseconds the users load used, in this process and in the local database server (null: not readable). */
  usersCpu: { worker: number; db: number | null };
  writeLimit: WriteLimit | null;
}

async function fullSync(): Promise<SyncResult> {
  return await withBenchDatabase('sync', async (db, mysqlName) => {
    const redis = createRedisConnection(benchRedis, 'worker');
    const box = new SecretBox(randomBytes(32));
    await storeBenchIntegration(db, box, conn);
    // The rooms run asks for each room's calendar run: queued under a prefix of its own, run by no one here.
    const prefix = redisKeyPrefix(`bench-${randomUUID()}`);
    const producer = createProducer(createRedisConnection(benchRedis, 'producer'), prefix);
    const deps = {
      ...createRepositories(db),
      coordination: createCoordination(redis, prefix),
      producer,
      graph,
      secretBox: box,
      lockLeaseMs: 30_000,
    };
    try {
      const rss = sampleRss();
      const t0 = performance.now();
      await roomsSyncJob(deps).handle({ integrationId: conn.id, trigger: 'api' }, benchJobContext());
      const t1 = performance.now();
      const cpu1 = cpuNow();
      await usersSyncJob(deps).handle({ integrationId: conn.id, mode: 'full', trigger: 'api' }, benchJobContext());
      const ms = performance.now() - t0;
      const usersMs = performance.now() - t1;
      const cpu2 = cpuNow();
      const usersCpu = {
        worker: cpu2.own - cpu1.own,
        db: cpu2.db === null || cpu1.db === null ? null : cpu2.db - cpu1.db,
      };
      const memory = rss.stop();
      const writeLimit =
        mysqlName && env.B_WRITE_LIMIT === '1'
          ? await measureWriteLimit(env.B_MYSQL_URL!, db, mysqlName, conn.id)
          : null;
      const runs = await new SyncRunRepository(db).listLatest(conn.id, 10);
      const req = (s: string) => runs.find((r) => r.stream === s)?.graphRequests ?? -1;
      return { ms, usersMs, usersCpu, userRequests: req('users'), roomRequests: req('rooms'), ...memory, writeLimit };
    } finally {
      await producer.close();
      redis.disconnect();
    }
  });
}

await plainWalk(); // warm-up: token, TLS, JIT
const walk = await plainWalk();
const sync = await fullSync();
const delta = env.B_DELTA === '1' ? await plainDeltaRequests() : null;
console.log(JSON.stringify({ walk, sync, delta }));
process.exit(0);
