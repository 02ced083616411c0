/**
 * The one map of job name → payload (and the queue it runs on). It types the producer and the
 * worker's registry. Payloads carry ids, never secrets, tokens or bodies: job data is clear text
 * in Redis.
 */
import { QUEUES, type QueueName } from './queue-names.js';

/** What asked for a sync run (recorded on the sync_runs row). */
export type SyncTrigger = 'api' | 'enable' | 'schedule' | 'webhook' | 'resync' | 'confirm';
export const SYNC_TRIGGERS: readonly SyncTrigger[] = ['api', 'enable', 'schedule', 'webhook', 'resync', 'confirm'];

export interface JobPayloads {
  /** Deletes sync_runs older than the retention period. */
  'maintenance.prune-sync-runs': { olderThanDays: number };
  /** Full walk of the Places API: upsert the selected rooms, deactivate the others. */
  'rooms.sync': { integrationId: string; trigger: SyncTrigger };
  /** Users: a full load (`/users` bracketed by a delta link) or a delta round. Enqueue through `requestSync`. */
  'users.sync': { integrationId: string; mode: 'full' | 'delta'; trigger: SyncTrigger };
}

export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [N in JobName]: QueueName } = {
  'maintenance.prune-sync-runs': QUEUES.maintenance,
  'rooms.sync': QUEUES.sync,
  'users.sync': QUEUES.sync,
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];
