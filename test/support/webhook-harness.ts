/**
 * Change-notification tests' world: the Graph simulator (HTTPS, CA trusted in-process), the api
 * in process (its Redis optionally behind a proxy the test can cut), and a worker process with
 * every job, whose PUBLIC_BASE_URL is the api's loopback URL (the simulator allows http there).
 */
import { startGraphSimulator, type GraphSimulator, type Settings } from '@ones-m365/graph-simulator';
import type { RedisTarget } from '@ones-m365/shared/config';
import { SecretBox } from '@ones-m365/shared/crypto';
import { GraphSubscriptionRepository, IntegrationRepository } from '@ones-m365/shared/db';
import { createMetrics, startApiProcess, type RunningApi } from '@ones-m365/api';
import { createGraphClient } from '@ones-m365/shared/graph';
import { silentLogger } from '@ones-m365/shared/logging';
import { OperationsRecorder, secretStatusWriter } from '@ones-m365/shared/operations';
import { createProducer, createRedisConnection, QUEUES, type Producer } from '@ones-m365/shared/queue';
import { createSignInClient } from '@ones-m365/shared/sso';
import { createCoordination, type Coordination } from '@ones-m365/shared/sync';
import type { BackoffPolicy } from '@ones-m365/shared/events';
import type { RedisClient } from '@ones-m365/shared/queue';
import { startWorkerProcess } from '../../services/worker/src/worker-process.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';
import { trustCa } from './graph-simulator-clients.js';
import { pollUntil, queueIdle } from './poll.js';
import { integrationBody } from './settings-harness.js';
import { TEST_REDIS, TEST_REDIS_URL } from './services.js';
import { TcpProxy } from './tcp-proxy.js';

export interface WebhookHarness {
  h: ApiHarness;
  sim: GraphSimulator;
  proxy: TcpProxy | null;
  /** The worker side's producer (real RedisClient). */
  producer: Producer;
  /** Coordination on the worker side's producer connection. */
  coordination: Coordination;
  box: SecretBox;
  subscriptions: GraphSubscriptionRepository;
  integrations: IntegrationRepository;
  /** Creates an integration for the simulator's tenant (not enabled). */
  create(over?: Record<string, unknown>): Promise<string>;
  /** Creates an integration with an app registration of its own (its own subscriptions at Graph). */
  createWithOwnApp(over?: Record<string, unknown>): Promise<{ id: string; appId: string }>;
  /** The subscriptions the simulator holds for an app. */
  subscriptionsAtGraph(appId: string): Record<string, unknown>[];
  enable(id: string): Promise<void>;
  /** Polls until `pred` holds (no timing assertions: only a generous upper bound). */
  until<T>(what: string, fn: () => Promise<T> | T, pred?: (v: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Waits until the sync queue has nothing waiting, delayed or active. */
  syncIdle(): Promise<void>;
  /** users.sync jobs asked for by webhooks since `since` (ms). */
  webhookDeltaJobs(integrationId: string, since: number): Promise<number>;
  /** calendar.sync jobs of one room asked for by webhooks since `since` (ms). */
  webhookCalendarJobs(integrationId: string, roomId: string, since: number): Promise<number>;
  close(): Promise<void>;
}

export interface WebhookHarnessOptions {
  settings?: Partial<Settings>;
  /** The simulated tenant (default: 25 users, 3 rooms). */
  seed?: { users?: number; rooms?: number; eventsPerRoom?: number; hiddenRoomShare?: number };
  proxyRedis?: boolean;
  /** The worker's Redis behind the same proxy too (a Redis outage for everyone). */
  proxyWorkerRedis?: boolean;
  /** Run the worker (default true). */
  worker?: boolean;
  /** How often the worker drains the job outbox and checks its schedules (defaults: the worker's). */
  outboxDrainMs?: number;
  scheduleCheckMs?: number;
  /** Events pushed to a receiver (EVENTS_WEBHOOK_URL), with the retry schedule to use. */
  events?: { webhook: { url: string; secret: string }; backoff?: BackoffPolicy };
}

export async function startWebhookHarness(opts: WebhookHarnessOptions = {}): Promise<WebhookHarness> {
  const sim = await startGraphSimulator({
    seed: { seed: 31, users: 25, rooms: 3, ...opts.seed },
    settings: { notificationBatchMs: 20, notificationRetryBaseMs: 200, validationTimeoutMs: 3_000, ...opts.settings },
  });
  trustCa(sim.caCertPem);
  if (opts.proxyRedis && TEST_REDIS.kind === 'cluster')
    throw new Error('a proxy in front of Redis stands for one server: not with TEST_REDIS_CLUSTER_NODES');
  const redisUrl = new URL(TEST_REDIS_URL);
  const proxy = opts.proxyRedis
    ? await new TcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) }).start()
    : null;
  const h = await startApiHarness({
    ALLOW_CUSTOM_ENDPOINTS: 'true',
    ...(opts.events
      ? { EVENTS_WEBHOOK_URL: opts.events.webhook.url, EVENTS_WEBHOOK_SECRET: opts.events.webhook.secret }
      : {}),
    ...(proxy ? { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } : {}),
  });
  const box = new SecretBox(h.config.encryptionKey);
  const workerRedisTarget: RedisTarget =
    proxy && opts.proxyWorkerRedis ? { kind: 'server', url: `redis://127.0.0.1:${proxy.port}` } : TEST_REDIS;
  const producerRedis = createRedisConnection(workerRedisTarget, 'producer');
  const producer = createProducer(producerRedis, h.config.keyPrefix);
  const workerRedis = createRedisConnection(workerRedisTarget, 'worker');
  // Wired as services/worker/src/main.ts wires it.
  const operations = new OperationsRecorder(producerRedis, h.config.keyPrefix, {
    onSecretRejected: secretStatusWriter(h.db.ds),
  });
  const worker =
    opts.worker === false
      ? null
      : await startWorkerProcess({
          db: h.db.ds,
          connection: workerRedis,
          producer,
          prefix: h.config.keyPrefix,
          concurrency: 4,
          logger: silentLogger(),
          graph: createGraphClient({ retryDelaySeconds: 0.05, maxRetryAfterMs: 0, observer: operations }),
          secretBox: box,
          publicBaseUrl: h.url,
          lockDurationMs: 5_000,
          operations,
          outboxDrainMs: opts.outboxDrainMs,
          scheduleCheckMs: opts.scheduleCheckMs,
          ...(opts.events ? { eventsWebhook: opts.events.webhook } : {}),
          ...(opts.events?.backoff ? { eventsBackoff: opts.events.backoff } : {}),
        });
  const until: WebhookHarness['until'] = (what, fn, pred, timeoutMs) => pollUntil(what, fn, pred, { timeoutMs });
  return {
    h,
    sim,
    proxy,
    producer,
    box,
    until,
    coordination: createCoordination(producerRedis, h.config.keyPrefix),
    subscriptions: new GraphSubscriptionRepository(h.db.ds),
    integrations: new IntegrationRepository(h.db.ds),
    async create(over = {}) {
      const r = await h.call('/api/v1/integrations', { method: 'POST', json: integrationBody(sim, over) });
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    async createWithOwnApp(over = {}) {
      const app = sim.createApp();
      const r = await h.call('/api/v1/integrations', {
        method: 'POST',
        json: integrationBody(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value, ...over }),
      });
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body)}`);
      return { id: r.body.id as string, appId: app.appId };
    },
    subscriptionsAtGraph: (appId) =>
      sim.listSubscriptions(sim.tenantId).filter((s) => String(s.applicationId).toLowerCase() === appId.toLowerCase()),
    async enable(id) {
      const r = await h.call(`/api/v1/integrations/${id}/enable`, { method: 'POST' });
      if (r.status !== 202) throw new Error(`enable failed: ${r.status} ${JSON.stringify(r.body)}`);
    },
    syncIdle: () => queueIdle(producer.queue(QUEUES.sync), 20_000),
    async webhookDeltaJobs(integrationId, since) {
      const jobs = await producer
        .queue(QUEUES.sync)
        .getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
      return jobs.filter(
        (j) =>
          j.name === 'users.sync' &&
          j.data.integrationId === integrationId &&
          j.data.trigger === 'webhook' &&
          j.timestamp >= since,
      ).length;
    },
    async webhookCalendarJobs(integrationId, roomId, since) {
      const jobs = await producer
        .queue(QUEUES.calendars)
        .getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
      return jobs.filter(
        (j) =>
          j.name === 'calendar.sync' &&
          j.data.integrationId === integrationId &&
          j.data.roomId === roomId &&
          j.data.trigger === 'webhook' &&
          j.timestamp >= since,
      ).length;
    },
    async close() {
      await worker?.close();
      await h.close();
      await producer.close();
      producerRedis.disconnect();
      workerRedis.disconnect();
      await proxy?.close();
      await sim.close();
    },
  };
}

/** Another api process on the harness's database and config, on its own Redis connections. */
export async function startAnotherApi(w: WebhookHarness, redis: RedisClient, events: RedisClient): Promise<RunningApi> {
  const producer = createProducer(redis, w.h.config.keyPrefix);
  return await startApiProcess(
    {
      config: w.h.config,
      logger: silentLogger(),
      db: w.h.db.ds,
      redis,
      producer,
      metrics: createMetrics(producer),
      graph: createGraphClient(),
      signIn: createSignInClient(),
      secretBox: w.box,
      events,
    },
    0,
    '127.0.0.1',
  );
}
