import type { Producer } from '@ones-m365/shared/queue';

/**
 * Recurring jobs. BullMQ job schedulers live in Redis, keyed by id, so any number of worker
 * processes may upsert them at start: there is one schedule, not one per process.
 */
export async function upsertSchedules(producer: Producer, opts: { syncRunRetentionDays: number }): Promise<void> {
  await producer.queue('maintenance').upsertJobScheduler(
    'prune-sync-runs',
    { every: 24 * 3600 * 1000 },
    { name: 'maintenance.prune-sync-runs', data: { olderThanDays: opts.syncRunRetentionDays } },
  );
  await producer.queue('maintenance').upsertJobScheduler('secret-expiry-check', { every: 24 * 3600 * 1000 }, { name: 'maintenance.secret-expiry-check', data: {} });
  // Renews subscriptions well before they expire; each integration's delta has its own
  // scheduler (subscriptions/poll-schedule.ts), upserted by its reconcile.
  await producer.queue('subscriptions').upsertJobScheduler('subscriptions-renew-due', { every: 5 * 60 * 1000 }, { name: 'subscriptions.renew-due', data: {} });
}
