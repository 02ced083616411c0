/**
 * The one map of job name → payload (and the queue it runs on). It types the producer and the
 * worker's registry. Payloads carry ids, never secrets, tokens or bodies: job data is clear text
 * in Redis.
 */
import { QUEUES, type QueueName } from './queue-names.js';

/** What asked for a sync run (recorded on the sync_runs row). */
export type SyncTrigger = 'api' | 'enable' | 'schedule' | 'webhook' | 'resync' | 'confirm';
export const SYNC_TRIGGERS: readonly SyncTrigger[] = ['api', 'enable', 'schedule', 'webhook', 'resync', 'confirm'];

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
export const LIFECYCLE_EVENTS: readonly LifecycleEvent[] = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'];

export interface JobPayloads {
  /** Deletes sync_runs older than the retention period. */
  'maintenance.prune-sync-runs': { olderThanDays: number };
  /** Deletes events older than the replay window. */
  'maintenance.prune-events': { olderThanDays: number };
  /** Daily: a warning log line per integration whose client secret expires within 30 days. */
  'maintenance.secret-expiry-check': Record<string, never>;
  /** Full walk of the Places API: upsert the selected rooms, deactivate the others. */
  'rooms.sync': { integrationId: string; trigger: SyncTrigger };
  /** Users: a full load (`/users` bracketed by a delta link) or a delta round. Enqueue through `requestSync`. */
  'users.sync': { integrationId: string; mode: 'full' | 'delta'; trigger: SyncTrigger };
  /** One room's calendar (stream `calendar:<roomId>`): a full round over the window or a delta round. Enqueue through `requestSync`. */
  'calendar.sync': { integrationId: string; roomId: string; mode: 'full' | 'delta'; trigger: SyncTrigger };
  /** Sends a room's pending declines (after Graph throttled the mailbox); holds the room's stream lease. */
  'booking.decline': { integrationId: string; roomId: string };
  /** Applies today's booking policy to the future bookings in [from, to): lists (dryRun) or declines what breaks it. */
  'booking-policy.recheck': { integrationId: string; from?: string; to?: string; dryRun: boolean };
  /** Brings an integration's Graph subscriptions and its poll schedule in line with its state. */
  /** `verify`: also ask Graph whether each stored subscription still exists (enable, restarts). */
  'subscriptions.reconcile': { integrationId: string; verify?: boolean };
  /** Scheduled: queues the renewal of the subscriptions due soon, a slice per job; reconciles integrations missing some. */
  'subscriptions.renew-due': Record<string, never>;
  /** Renews one slice of one integration's subscriptions (graph_subscriptions ids): one Graph `$batch`. */
  'subscriptions.renew': { integrationId: string; subscriptionIds: string[] };
  /** A Graph lifecycle notification (by Graph's subscription id). */
  'subscriptions.lifecycle': { subscriptionId: string; event: LifecycleEvent };
  /** Scheduled per integration: delta runs on its poll interval (polling mode, or the safety net). */
  'subscriptions.poll': { integrationId: string };
  /** POSTs an integration's published, unacknowledged events to EVENTS_WEBHOOK_URL, oldest first. Enqueue through `requestDelivery`. */
  'events.deliver': { integrationId: string };
}

export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [N in JobName]: QueueName } = {
  'maintenance.prune-sync-runs': QUEUES.maintenance,
  'maintenance.prune-events': QUEUES.maintenance,
  'maintenance.secret-expiry-check': QUEUES.maintenance,
  'rooms.sync': QUEUES.sync,
  'users.sync': QUEUES.sync,
  'calendar.sync': QUEUES.calendars,
  'booking.decline': QUEUES.calendars,
  'booking-policy.recheck': QUEUES.calendars,
  'subscriptions.reconcile': QUEUES.subscriptions,
  'subscriptions.renew-due': QUEUES.subscriptions,
  'subscriptions.renew': QUEUES.subscriptions,
  'subscriptions.lifecycle': QUEUES.subscriptions,
  'subscriptions.poll': QUEUES.subscriptions,
  'events.deliver': QUEUES.events,
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];
