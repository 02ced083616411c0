/**
 * Composition of a worker process from already-built clients (so `main.ts` and the all-in-one
 * launcher share it): registry, workers, schedules, and an orderly stop.
 */
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import type { Logger } from '@ones-m365/shared/logging';
import type { Producer } from '@ones-m365/shared/queue';
import { createRegistry } from './jobs/index.js';
import { startWorkers } from './run-worker.js';
import { upsertSchedules } from './schedules.js';

export interface WorkerProcessDeps {
  db: DataSource;
  connection: Redis;
  producer: Producer;
  prefix: string;
  concurrency: number;
  logger: Logger;
}

export async function startWorkerProcess(deps: WorkerProcessDeps): Promise<{ close(): Promise<void> }> {
  const registry = createRegistry({ db: deps.db });
  const running = startWorkers({ connection: deps.connection, prefix: deps.prefix, registry, concurrency: deps.concurrency, logger: deps.logger });
  await upsertSchedules(deps.producer, { syncRunRetentionDays: 30 });
  deps.logger.info('worker started', { queues: running.workers.map((w) => w.name), concurrency: deps.concurrency });
  return { close: () => running.close() };
}
