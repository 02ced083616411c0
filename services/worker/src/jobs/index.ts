import type { Repositories } from '@ones-m365/shared/db';
import type { SecretBox } from '@ones-m365/shared/crypto';
import type { GraphClient, RequestLanes } from '@ones-m365/shared/graph';
import type { OperationsRecorder } from '@ones-m365/shared/operations';
import { JOB_NAMES } from '@ones-m365/shared/queue';
import type { BackoffPolicy } from '@ones-m365/shared/events';
import type { Coordination } from '@ones-m365/shared/sync';
import type { WebhookPost } from '../events/webhook-post.js';
import { eventsDeliverJob } from './events-deliver.job.js';
import { bookingDeclineJob } from './booking-decline.job.js';
import { bookingPolicyRecheckJob } from './booking-policy-recheck.job.js';
import { calendarSyncJob, type CalendarSyncDeps } from './calendar-sync.job.js';
import { buildRegistry, type JobRegistry } from './job-handler.js';
import { pruneEventsJob } from './prune-events.job.js';
import { pruneSyncRunsJob } from './prune-sync-runs.job.js';
import { roomsSyncJob } from './rooms-sync.job.js';
import { secretExpiryCheckJob } from './secret-expiry-check.job.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';
import { subscriptionsLifecycleJob } from './subscriptions-lifecycle.job.js';
import { subscriptionsPollJob } from './subscriptions-poll.job.js';
import { subscriptionsReconcileJob } from './subscriptions-reconcile.job.js';
import { subscriptionsRenewDueJob } from './subscriptions-renew-due.job.js';
import { subscriptionsRenewJob } from './subscriptions-renew.job.js';
import { usersSyncJob } from './users-sync.job.js';

/** What the jobs need: the repositories (built once), coordination, Graph and the secret box. */
export type WorkerDeps = Omit<SubscriptionJobDeps, 'integrations' | 'subscriptions' | 'rooms'> & {
  repositories: Repositories;
  coordination: Coordination;
  graph: GraphClient;
  secretBox: SecretBox;
  /** Lease of the stream locks; renewed every third of it. */
  lockLeaseMs: number;
  /** Counts finished runs by stream kind and status for /metrics. */
  operations?: Pick<OperationsRecorder, 'syncRunFinished'>;
  /** Room calendars: the window and the page size asked of calendarView delta. */
  calendar: CalendarSyncDeps['calendar'];
  /** The Graph request lanes the calendars queue's jobs share (request-lanes.ts); none: unbounded. */
  calendarLanes?: RequestLanes;
  /** The signed POST to EVENTS_WEBHOOK_URL (null: none configured), and the retry schedule. */
  events: { post: WebhookPost | null; backoff?: BackoffPolicy };
};

/** Every job handler, one file each. `buildRegistry` refuses to start on a gap or a double. */
export function createRegistry(deps: WorkerDeps): JobRegistry {
  const { repositories, ...services } = deps;
  const sync = {
    ...repositories,
    coordination: deps.coordination,
    graph: deps.graph,
    secretBox: deps.secretBox,
    lockLeaseMs: deps.lockLeaseMs,
    producer: deps.producer,
    calendar: deps.calendar,
    ...(deps.operations ? { operations: deps.operations } : {}),
  };
  const calendars = { ...sync, ...(deps.calendarLanes ? { requestLanes: deps.calendarLanes } : {}) };
  const subs: SubscriptionJobDeps = {
    ...services,
    integrations: repositories.integrations,
    subscriptions: repositories.subscriptions,
    rooms: repositories.rooms,
  };
  return buildRegistry(
    [
      pruneSyncRunsJob({ syncRuns: repositories.syncRuns }),
      pruneEventsJob({ events: repositories.events }),
      eventsDeliverJob({
        events: repositories.events,
        deliveries: repositories.eventDeliveries,
        post: deps.events.post,
        ...(deps.events.backoff ? { backoff: deps.events.backoff } : {}),
      }),
      secretExpiryCheckJob({ integrations: repositories.integrations }),
      roomsSyncJob(sync),
      usersSyncJob(sync),
      calendarSyncJob(calendars),
      bookingDeclineJob(calendars),
      bookingPolicyRecheckJob(calendars),
      subscriptionsReconcileJob(subs),
      subscriptionsRenewDueJob(subs),
      subscriptionsRenewJob(subs),
      subscriptionsLifecycleJob(subs),
      subscriptionsPollJob(subs),
    ],
    JOB_NAMES,
  );
}

export type { JobContext, JobHandler, JobRegistry } from './job-handler.js';
export { buildRegistry } from './job-handler.js';
