/**
 * The one map of job name → payload (and the queue it runs on). It types the producer and the
 * worker's registry. Payloads carry ids, never secrets, tokens or bodies: job data is clear text
 * in Redis.
 */
import { QUEUES, type QueueName } from './queue-names.js';

export interface JobPayloads {
  /** Deletes sync_runs older than the retention period. */
  'maintenance.prune-sync-runs': { olderThanDays: number };
}

export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [N in JobName]: QueueName } = {
  'maintenance.prune-sync-runs': QUEUES.maintenance,
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];
