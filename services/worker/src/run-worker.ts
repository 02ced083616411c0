/**
 * One BullMQ Worker per queue, dispatching on `job.name` through the registry. Errors steer
 * retries: a non-retryable AppError fails the job at once (UnrecoverableError); anything else is
 * thrown so attempts/backoff apply. Each failed attempt is logged once, here.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisClient } from '@ones-m365/shared/queue';
import { assertKeyPrefix } from '@ones-m365/shared/config';
import { AppError } from '@ones-m365/shared/errors';
import type { Logger } from '@ones-m365/shared/logging';
import type { OperationsRecorder } from '@ones-m365/shared/operations';
import { ALL_QUEUES, type JobName, type QueueName } from '@ones-m365/shared/queue';
import type { JobRegistry } from './jobs/index.js';

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs and waits for the active ones to finish. */
  close(): Promise<void>;
}

export interface StartWorkersOptions {
  connection: RedisClient;
  prefix: string;
  registry: JobRegistry;
  concurrency: number;
  logger: Logger;
  /** BullMQ job lock (and stalled-check interval): how soon a killed worker's jobs run again. Default 30 s. */
  lockDurationMs?: number;
  /** Jobs at once on a queue other than `concurrency` (the calendars queue has its own bound). */
  queueConcurrency?: Partial<Record<QueueName, number>>;
  /** Counts failed attempts per queue (and whether each was the last) for /metrics. */
  operations?: Pick<OperationsRecorder, 'jobFailed'>;
}

/**
 * How long a close may go on once no job of this process runs any more. BullMQ's close waits for
 * its blocking connection's `end` event, which an ioredis Cluster client can fail to emit after
 * a node it was blocked on restarted (taskforcesh/bullmq#4065, #4656): past this the close is
 * left unfinished (the process exits after it), so a stopping worker never outlives its jobs.
 */
const CLOSE_GRACE_MS = 5_000;

export function startWorkers(opts: StartWorkersOptions): RunningWorkers {
  assertKeyPrefix(opts.prefix);
  let running = 0;
  const idle: (() => void)[] = [];
  const whenIdle = () => (running === 0 ? Promise.resolve() : new Promise<void>((r) => idle.push(r)));
  const processor = async (job: Job, token?: string) => {
    running++;
    try {
      return await runJob(job, token);
    } finally {
      if (--running === 0) for (const r of idle.splice(0)) r();
    }
  };
  const runJob = async (job: Job, token?: string) => {
    const handler = opts.registry.get(job.name as JobName);
    if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
    const logger = opts.logger.child({
      job: job.name,
      jobId: job.id,
      integrationId: (job.data as { integrationId?: string }).integrationId,
    });
    try {
      return await handler.handle(job.data as never, {
        jobId: String(job.id),
        attemptsMade: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? 1,
        logger,
        progress: (value) => job.updateProgress(value),
        async delay(untilMs) {
          await job.moveToDelayed(untilMs, token);
          throw new DelayedError();
        },
      });
    } catch (err) {
      if (err instanceof AppError && !err.retryable) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  };

  const workers = ALL_QUEUES.map((queue) => {
    const lock = opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: opts.lockDurationMs } : {};
    const worker = new Worker(queue, processor, {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.queueConcurrency?.[queue] ?? opts.concurrency,
      ...lock,
    });
    worker.on('failed', (job, err) => {
      opts.logger.warn('job attempt failed', {
        queue,
        job: job?.name,
        jobId: job?.id,
        attemptsMade: job?.attemptsMade,
        error: err.message,
      });
      opts.operations?.jobFailed(
        queue,
        err instanceof UnrecoverableError || (job?.attemptsMade ?? 0) >= (job?.opts.attempts ?? 1),
      );
    });
    worker.on('error', (err) => opts.logger.error('worker error', { queue, error: err.message }));
    return worker;
  });

  return {
    workers,
    async close() {
      const closing = workers.map((w) => w.close().then(() => true));
      const closed = await Promise.race([
        Promise.all(closing),
        whenIdle()
          .then(() => new Promise((r) => setTimeout(r, CLOSE_GRACE_MS).unref()))
          .then(() => null),
      ]);
      if (!closed) {
        const states = await Promise.all(closing.map((c) => Promise.race([c, Promise.resolve(false)])));
        opts.logger.warn('worker close did not finish after its jobs; left to the process exit', {
          queues: workers.filter((_, i) => !states[i]).map((w) => w.name),
        });
      }
    },
  };
}
