/**
 * One measurement of bench/events.bench.ts, in its own process: full loads of the tenant's users
 * (users.sync, MySQL or a SQLite file, real Redis), alternately without events (the page's
 * events go nowhere) and with them (written in each page's transaction, and published meanwhile
 * as the worker publishes them), each on a fresh database. After the last load with events, its
 * events are delivered to a local receiver (a signed POST per batch, as events.deliver sends
 * them). Prints one JSON line.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { SecretBox } from '@ones-m365/shared/crypto';
import {
  createRepositories,
  EventDeliveryRepository,
  EventRepository,
  publishEvents,
  type Repositories,
} from '@ones-m365/shared/db';
import { verifySignature } from '@ones-m365/shared/events';
import { createGraphClient } from '@ones-m365/shared/graph';
import { silentLogger } from '@ones-m365/shared/logging';
import { redisKeyPrefix } from '@ones-m365/shared/config';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { createCoordination } from '@ones-m365/shared/sync';
import { startEventPublisher } from '../services/worker/src/events/event-publisher.js';
import { webhookPoster } from '../services/worker/src/events/webhook-post.js';
import { eventsDeliverJob } from '../services/worker/src/jobs/events-deliver.job.js';
import { usersSyncJob } from '../services/worker/src/jobs/users-sync.job.js';
import {
  benchConnection,
  benchJobContext,
  benchRedis,
  cpuNow,
  storeBenchIntegration,
  withBenchDatabase,
} from './support/child-env.js';

const graph = createGraphClient();
const box = new SecretBox(randomBytes(32));
const SECRET = randomBytes(24).toString('hex');

class Continue extends Error {}
const ctx = () => benchJobContext(() => new Continue());

interface Load {
  events: boolean;
  usersMs: number;
  /** CPU used during the load by this process (all its threads: zlib's too) and by the database server. */
  cpuMs: number;
  dbCpuMs: number | null;
  /** Events written by the load (0 without events). */
  written: number;
  /** Published when the load ended (the publisher runs beside it). */
  publishedAtEnd: number;
  delivery?: { ms: number; events: number; posts: number };
}

async function load(withEvents: boolean, deliver: boolean): Promise<Load> {
  return await withBenchDatabase('events', async (db) => {
    const conn = benchConnection();
    const id = conn.id;
    await storeBenchIntegration(db, box, conn);
    const logger = silentLogger();
    let wake = () => undefined as void;
    const repos = createRepositories(db, { onEventsCommitted: () => wake() });
    const transaction: Repositories['transaction'] = withEvents
      ? repos.transaction
      : (fn) => repos.transaction((tx) => fn({ ...tx, events: { add: async () => undefined } }));
    const publisher = withEvents
      ? startEventPublisher({
          publish: (n) => publishEvents(db, n),
          due: async () => [],
          logger,
        })
      : null;
    if (publisher) wake = () => publisher.wake();
    const prefix = redisKeyPrefix(`bench-${id}`);
    const redis = createRedisConnection(benchRedis, 'worker');
    const producer = createProducer(createRedisConnection(benchRedis, 'producer'), prefix);
    const deps = {
      ...repos,
      transaction,
      coordination: createCoordination(redis, prefix),
      producer,
      graph,
      secretBox: box,
      lockLeaseMs: 30_000,
    };
    const events = new EventRepository(db);
    const count = async (published: boolean) =>
      Number(
        (
          await db.query<{ n: number | string }[]>(
            `SELECT COALESCE(SUM(event_count), 0) AS n FROM event_batches WHERE types = ',user.created,' ${published ? 'AND seq IS NOT NULL' : ''}`,
          )
        )[0]!.n,
      );
    const cpu0 = cpuNow();
    const t0 = performance.now();
    await usersSyncJob(deps).handle({ integrationId: id, mode: 'full', trigger: 'api' }, ctx());
    const usersMs = performance.now() - t0;
    const cpu1 = cpuNow();
    const publishedAtEnd = withEvents ? await count(true) : 0;
    await publisher?.stop();
    const result: Load = {
      events: withEvents,
      usersMs,
      cpuMs: cpu1.own - cpu0.own,
      dbCpuMs: cpu1.db === null || cpu0.db === null ? null : cpu1.db - cpu0.db,
      written: withEvents ? await count(false) : 0,
      publishedAtEnd,
    };
    if (deliver) result.delivery = await deliverAll(db, events, id);
    await producer.close();
    redis.disconnect();
    return result;
  });
}

/** Publishes what is left, then delivers every event of the integration to a local receiver. */
async function deliverAll(db: DataSource, events: EventRepository, integrationId: string) {
  while ((await publishEvents(db, 500)).count > 0);
  let received = 0;
  let posts = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['ones-m365-signature'] as string | undefined;
      if (!verifySignature(header, raw, SECRET).ok) return void res.writeHead(401).end();
      received += (JSON.parse(raw) as { events: unknown[] }).events.length;
      posts++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  const job = eventsDeliverJob({
    events,
    deliveries: new EventDeliveryRepository(db),
    post: webhookPoster({ url, secret: SECRET }),
  });
  const t0 = performance.now();
  for (;;) {
    try {
      await job.handle({ integrationId }, ctx());
      break;
    } catch (err) {
      if (!(err instanceof Continue)) throw err;
    }
  }
  const ms = performance.now() - t0;
  server.close();
  return { ms, events: received, posts };
}

const rounds = Number(process.env.B_ROUNDS ?? 2);
const loads: Load[] = [];
await load(false, false); // warm-up: token, TLS, JIT, the database's caches
for (let i = 0; i < rounds; i++) {
  loads.push(await load(false, false));
  loads.push(await load(true, i === rounds - 1));
}
console.log(JSON.stringify({ loads }));
process.exit(0);
