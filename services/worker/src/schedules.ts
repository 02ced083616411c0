import { EVENT_RETENTION_DAYS } from '@ones-m365/shared/events';
import { QUEUES, type Producer, type QueueName } from '@ones-m365/shared/queue';

export interface ScheduleOptions {
  syncRunRetentionDays: number;
}

/** The worker's fixed schedulers (the schedule watchdog checks they still exist). */
export const FIXED_SCHEDULES: readonly { queue: QueueName; id: string }[] = [
  { queue: QUEUES.maintenance, id: 'prune-sync-runs' },
  { queue: QUEUES.maintenance, id: 'prune-events' },
  { queue: QUEUES.subscriptions, id: 'subscriptions-renew-due' },
];

/**
 * Recurring jobs. BullMQ job schedulers live in Redis, keyed by id, so any number of worker
 * processes may upsert them at start: there is one schedule, not one per process.
 */
export async function upsertSchedules(producer: Producer, opts: ScheduleOptions): Promise<void> {
  await producer
    .queue(QUEUES.maintenance)
    .upsertJobScheduler(
      'prune-sync-runs',
      { every: 24 * 3600 * 1000 },
      { name: 'maintenance.prune-sync-runs', data: { olderThanDays: opts.syncRunRetentionDays } },
    );
  await producer
    .queue(QUEUES.maintenance)
    .upsertJobScheduler(
      'prune-events',
      { every: 24 * 3600 * 1000 },
      { name: 'maintenance.prune-events', data: { olderThanDays: EVENT_RETENTION_DAYS } },
    );
  await producer
    .queue('maintenance')
    .upsertJobScheduler(
      'secret-expiry-check',
      { every: 24 * 3600 * 1000 },
      { name: 'maintenance.secret-expiry-check', data: {} },
    );
  // Renews subscriptions well before they expire; each integration's delta has its own
  // scheduler (subscriptions/poll-schedule.ts), upserted by its reconcile.
  await producer
    .queue(QUEUES.subscriptions)
    .upsertJobScheduler(
      'subscriptions-renew-due',
      { every: 5 * 60 * 1000 },
      { name: 'subscriptions.renew-due', data: {} },
    );
}
