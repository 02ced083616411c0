/**
 * Composition of a worker process from already-built clients (so `main.ts` and the all-in-one
 * launcher share it): registry, workers, schedules, and an orderly stop.
 */
import type { DataSource } from 'typeorm';
import type { RedisClient } from '@ones-m365/shared/queue';
import {
  DEFAULT_CALENDAR,
  DEFAULT_SAFETY_NET_POLL_SECONDS,
  DEFAULT_WORKER_LOCK_DURATION_MS,
  type CalendarSettings,
} from '@ones-m365/shared/config';
import type { SecretBox } from '@ones-m365/shared/crypto';
import {
  createRequestLanes,
  DEFAULT_EVENTS_PAGE_SIZE,
  type GraphClient,
  type RequestLanes,
} from '@ones-m365/shared/graph';
import type { Logger } from '@ones-m365/shared/logging';
import { createRepositories, publishEvents } from '@ones-m365/shared/db';
import type { BackoffPolicy } from '@ones-m365/shared/events';
import { Outbox } from '@ones-m365/shared/outbox';
import type { OperationsRecorder } from '@ones-m365/shared/operations';
import { QUEUES, type Producer } from '@ones-m365/shared/queue';
import { createCoordination } from '@ones-m365/shared/sync';
import { startOutboxDrainer } from './background/outbox-drainer.js';
import { startScheduleWatchdog } from './background/schedule-watchdog.js';
import { startEventPublisher } from './events/event-publisher.js';
import { requestDelivery } from './events/request-delivery.js';
import { webhookPoster } from './events/webhook-post.js';
import { createRegistry } from './jobs/index.js';
import { startWorkers } from './run-worker.js';
import { upsertSchedules } from './schedules.js';

export interface WorkerProcessDeps {
  db: DataSource;
  connection: RedisClient;
  producer: Producer;
  prefix: string;
  concurrency: number;
  logger: Logger;
  graph: GraphClient;
  secretBox: SecretBox;
  /** PUBLIC_BASE_URL: Graph's notification and lifecycle URLs are built from it. */
  publicBaseUrl: string;
  /** Delta interval of webhook-mode integrations, the safety net for dropped notifications (default 1 h). */
  safetyNetSeconds?: number;
  /** BullMQ job lock and sync-stream lease (default 30 s). */
  lockDurationMs?: number;
  /** How often the job outbox is drained into BullMQ (default 1 s). */
  outboxDrainMs?: number;
  /** How often the schedules are checked and re-created when Redis lost them (default 30 s). */
  scheduleCheckMs?: number;
  /** Operational records (sync run results, job failures) for /metrics; none in some tests. */
  operations?: OperationsRecorder;
  /**
   * Room calendars' window and concurrency (default 1 day back, 180 ahead; 2 read at once): the
   * calendars queue runs twice as many jobs as it has Graph request lanes, so one room's page is
   * written while the next room's is read.
   */
  calendar?: CalendarSettings;
  /** EVENTS_WEBHOOK_URL and its secret; null or absent: events are published for replay only. */
  eventsWebhook?: { url: string; secret: string } | null;
  /** Delivery retries (default: 1 s doubling to 15 min, given up after 24 h). */
  eventsBackoff?: BackoffPolicy;
  /** How often events are published when no page of this process woke the publisher (default 500 ms). */
  eventsPublishMs?: number;
}

/**
 * The calendars queue of one worker: `concurrency` Graph request lanes shared by its jobs, and
 * twice as many jobs, so one room's page is written while the next room's request is in flight
 * (Graph still sees at most `concurrency` calendar requests from this worker at once).
 */
export function calendarQueueLimits(concurrency: number): { jobs: number; lanes: RequestLanes } {
  return { jobs: 2 * concurrency, lanes: createRequestLanes(concurrency) };
}

/** Outbox rows younger than this are left to the api process that wrote them. */
const OUTBOX_GRACE_MS = 2_000;

export async function startWorkerProcess(deps: WorkerProcessDeps): Promise<{ close(): Promise<void> }> {
  const lockDurationMs = deps.lockDurationMs ?? DEFAULT_WORKER_LOCK_DURATION_MS;
  const coordination = createCoordination(deps.connection, deps.prefix);
  // A page that committed events wakes the publisher at once (the change's path to ONES).
  let wakePublisher = () => undefined as void;
  const repositories = createRepositories(deps.db, { onEventsCommitted: () => wakePublisher() });
  const webhook = deps.eventsWebhook ?? null;
  const calendar = deps.calendar ?? DEFAULT_CALENDAR;
  const calendarQueue = calendarQueueLimits(calendar.concurrency);
  const registry = createRegistry({
    repositories,
    coordination,
    graph: deps.graph,
    secretBox: deps.secretBox,
    lockLeaseMs: lockDurationMs,
    producer: deps.producer,
    publicBaseUrl: deps.publicBaseUrl,
    safetyNetSeconds: deps.safetyNetSeconds ?? DEFAULT_SAFETY_NET_POLL_SECONDS,
    calendar: { windowDays: calendar.windowDays, pageSize: DEFAULT_EVENTS_PAGE_SIZE },
    calendarLanes: calendarQueue.lanes,
    events: {
      post: webhook ? webhookPoster(webhook) : null,
      ...(deps.eventsBackoff ? { backoff: deps.eventsBackoff } : {}),
    },
    ...(deps.operations ? { operations: deps.operations } : {}),
  });
  const running = startWorkers({
    connection: deps.connection,
    prefix: deps.prefix,
    registry,
    concurrency: deps.concurrency,
    queueConcurrency: { [QUEUES.calendars]: calendarQueue.jobs },
    logger: deps.logger,
    lockDurationMs,
    ...(deps.operations ? { operations: deps.operations } : {}),
  });
  const schedules = { syncRunRetentionDays: 30 };
  await upsertSchedules(deps.producer, schedules);
  const drainer = startOutboxDrainer({
    outbox: new Outbox(deps.db, { producer: deps.producer, coordination }, deps.logger),
    logger: deps.logger,
    everyMs: deps.outboxDrainMs ?? 1_000,
    graceMs: OUTBOX_GRACE_MS,
  });
  const publisher = startEventPublisher({
    publish: (limit) => publishEvents(deps.db, limit),
    due: (now) => repositories.eventDeliveries.due(now),
    ...(webhook ? { requestDelivery: (id: string) => requestDelivery(deps.producer, id) } : {}),
    logger: deps.logger,
    ...(deps.eventsPublishMs ? { idleMs: deps.eventsPublishMs } : {}),
  });
  wakePublisher = () => publisher.wake();
  const watchdog = startScheduleWatchdog(
    { producer: deps.producer, integrations: repositories.integrations, logger: deps.logger, schedules },
    deps.scheduleCheckMs ?? 30_000,
  );
  deps.logger.info('worker started', { queues: running.workers.map((w) => w.name), concurrency: deps.concurrency });
  return {
    async close() {
      await Promise.all([drainer.stop(), watchdog.stop()]);
      await running.close();
      // After the workers; what it leaves unpublished, the next pass of any worker publishes.
      await publisher.stop();
    },
  };
}
