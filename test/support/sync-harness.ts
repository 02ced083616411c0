/**
 * Sync tests' world: the Graph simulator (HTTPS, its CA trusted in-process), a fresh MySQL
 * database, a fresh queue prefix, an integration pointing at the simulator, a producer, and
 * (on demand) in-process workers. Helpers compare the database with the tenant.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@ones-m365/shared/queue';
import { startGraphSimulator, type GraphSimulator, type SeedSpec, type Settings } from '@ones-m365/graph-simulator';
import { SecretBox } from '@ones-m365/shared/crypto';
import {
  createRepositories,
  IntegrationRepository,
  SyncRunRepository,
  UserEntity,
  type IntegrationEntity,
  type SyncRunEntity,
} from '@ones-m365/shared/db';
import { createGraphClient, DEFAULT_EVENTS_PAGE_SIZE, type GraphClient } from '@ones-m365/shared/graph';
import { DEFAULT_CALENDAR, redisKeyPrefix } from '@ones-m365/shared/config';
import { sealSecret } from '@ones-m365/shared/integrations';
import { silentLogger, type Logger } from '@ones-m365/shared/logging';
import { createProducer, createRedisConnection, QUEUES, type Producer } from '@ones-m365/shared/queue';
import { createCoordination, type Coordination } from '@ones-m365/shared/sync';
import { buildRegistry } from '../../services/worker/src/jobs/index.js';
import { roomsSyncJob } from '../../services/worker/src/jobs/rooms-sync.job.js';
import { usersSyncJob } from '../../services/worker/src/jobs/users-sync.job.js';
import { calendarSyncJob } from '../../services/worker/src/jobs/calendar-sync.job.js';
import { bookingDeclineJob } from '../../services/worker/src/jobs/booking-decline.job.js';
import { bookingPolicyRecheckJob } from '../../services/worker/src/jobs/booking-policy-recheck.job.js';
import { startWorkers, type RunningWorkers } from '../../services/worker/src/run-worker.js';
import { calendarQueueLimits } from '../../services/worker/src/worker-process.js';
import { openTestDatabase, type TestDatabase } from './db.js';
import { freshQueuePrefix, removeQueueData } from './env.js';
import { trustCa } from './graph-simulator-clients.js';
import { queueIdle } from './poll.js';
import { TEST_REDIS } from './services.js';

export interface SyncHarness {
  sim: GraphSimulator;
  db: TestDatabase;
  /** QUEUE_PREFIX of this world (for a process or config made from the environment). */
  queuePrefix: string;
  /** Its key prefix, `{queuePrefix}`: what the producer, workers and coordination use. */
  prefix: string;
  encryptionKey: string;
  box: SecretBox;
  graph: GraphClient;
  producer: Producer;
  redis: RedisClient;
  /** Coordination on the worker-side connection `redis`. */
  coordination: Coordination;
  integration: IntegrationEntity;
  startWorkers(opts?: {
    concurrency?: number;
    lockDurationMs?: number;
    /** Calendar requests in flight (CALENDAR_CONCURRENCY); the calendars queue runs twice as many jobs. */
    calendarConcurrency?: number;
    calendarPageSize?: number;
    /** Where the workers log (default: nowhere). */
    logger?: Logger;
  }): RunningWorkers;
  /** Waits until the sync and calendars queues have nothing waiting, delayed, prioritized or active. */
  idle(timeoutMs?: number): Promise<void>;
  /** Users of the tenant that should be active in ONES (active in Entra, account enabled). */
  tenantActiveIds(): Set<string>;
  dbUsers(): Promise<UserEntity[]>;
  runs(): Promise<SyncRunEntity[]>;
  close(): Promise<void>;
}

export async function startSyncHarness(
  opts: {
    seed?: SeedSpec;
    settings?: Partial<Settings>;
    integration?: Partial<IntegrationEntity>;
    /** What the calendar jobs take as now (the rolling window); the real clock when absent. */
    clock?: { now: Date };
  } = {},
): Promise<SyncHarness> {
  const sim = await startGraphSimulator({
    seed: { seed: 11, users: 120, rooms: 12, ...opts.seed },
    ...(opts.settings ? { settings: opts.settings } : {}),
  });
  trustCa(sim.caCertPem);
  const db = await openTestDatabase('mysql');
  const queuePrefix = freshQueuePrefix();
  const prefix = redisKeyPrefix(queuePrefix);
  const encryptionKey = randomBytes(32).toString('base64');
  const box = new SecretBox(Buffer.from(encryptionKey, 'base64'));
  const graph = createGraphClient({ retryDelaySeconds: 0.05, maxRetryAfterMs: 0 });
  const redis = createRedisConnection(TEST_REDIS, 'worker');
  const coordination = createCoordination(redis, prefix);
  const producer = createProducer(createRedisConnection(TEST_REDIS, 'producer'), prefix);
  const integrations = new IntegrationRepository(db.ds);
  const id = crypto.randomUUID();
  await integrations.create({
    id,
    name: 'sim',
    cloud: 'global',
    tenantId: sim.tenantId,
    clientId: sim.clientId,
    endpoints: { login: sim.loginUrl, graph: sim.graphUrl },
    ...sealSecret(box, id, sim.clientSecret),
  });
  if (opts.integration) await integrations.update(id, opts.integration);
  const integration = (await integrations.get(id))!;
  const workers: RunningWorkers[] = [];
  return {
    sim,
    db,
    queuePrefix,
    prefix,
    encryptionKey,
    box,
    graph,
    producer,
    redis,
    coordination,
    integration,
    startWorkers(o = {}) {
      const lockDurationMs = o.lockDurationMs ?? 5_000;
      const clock = opts.clock;
      const calendarQueue = calendarQueueLimits(o.calendarConcurrency ?? DEFAULT_CALENDAR.concurrency);
      const deps = {
        ...createRepositories(db.ds),
        coordination,
        producer,
        graph,
        secretBox: box,
        lockLeaseMs: lockDurationMs,
        calendar: { windowDays: DEFAULT_CALENDAR.windowDays, pageSize: o.calendarPageSize ?? DEFAULT_EVENTS_PAGE_SIZE },
        ...(clock ? { now: () => clock.now } : {}),
      };
      const calendars = { ...deps, requestLanes: calendarQueue.lanes };
      const registry = buildRegistry(
        [
          roomsSyncJob(deps),
          usersSyncJob(deps),
          calendarSyncJob(calendars),
          bookingDeclineJob(calendars),
          bookingPolicyRecheckJob(calendars),
        ],
        ['rooms.sync', 'users.sync', 'calendar.sync', 'booking.decline', 'booking-policy.recheck'],
      );
      const w = startWorkers({
        connection: createRedisConnection(TEST_REDIS, 'worker'),
        prefix,
        registry,
        concurrency: o.concurrency ?? 2,
        queueConcurrency: { [QUEUES.calendars]: calendarQueue.jobs },
        logger: o.logger ?? silentLogger(),
        lockDurationMs,
      });
      workers.push(w);
      return w;
    },
    async idle(timeoutMs = 60_000) {
      // Rooms runs ask for calendar runs, so the sync queue first, then the calendars queue.
      await queueIdle(producer.queue(QUEUES.sync), timeoutMs);
      await queueIdle(producer.queue(QUEUES.calendars), timeoutMs);
      await queueIdle(producer.queue(QUEUES.sync), timeoutMs);
    },
    tenantActiveIds() {
      return new Set(
        sim
          .listUsers({ limit: 1_000_000, state: 'active' })
          .filter((u) => u.props.accountEnabled !== false)
          .map((u) => u.id),
      );
    },
    dbUsers: () => db.ds.getRepository(UserEntity).find({ where: { integrationId: id } }),
    runs: () => new SyncRunRepository(db.ds).listLatest(id, 100),
    async close() {
      for (const w of workers) await w.close();
      await producer.close();
      redis.disconnect();
      await sim.close();
      await db.drop();
      await removeQueueData(prefix);
    },
  };
}

/** Active graph ids in the database. */
export function activeIds(users: UserEntity[]): Set<string> {
  return new Set(users.filter((u) => u.active).map((u) => u.graphId));
}
