import type { Repositories } from '@ones-m365/shared/db';
import type { SecretBox } from '@ones-m365/shared/crypto';
import type { GraphClient } from '@ones-m365/shared/graph';
import type { OperationsRecorder } from '@ones-m365/shared/operations';
import { JOB_NAMES } from '@ones-m365/shared/queue';
import type { Coordination } from '@ones-m365/shared/sync';
import { bookingDeclineJob } from './booking-decline.job.js';
import { bookingPolicyRecheckJob } from './booking-policy-recheck.job.js';
import { calendarSyncJob, type CalendarSyncDeps } from './calendar-sync.job.js';
import { buildRegistry, type JobRegistry } from './job-handler.js';
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
  const subs: SubscriptionJobDeps = {
    ...services,
    integrations: repositories.integrations,
    subscriptions: repositories.subscriptions,
    rooms: repositories.rooms,
  };
  return buildRegistry(
    [
      pruneSyncRunsJob({ syncRuns: repositories.syncRuns }),
      secretExpiryCheckJob({ integrations: repositories.integrations }),
      roomsSyncJob(sync),
      usersSyncJob(sync),
      calendarSyncJob(sync),
      bookingDeclineJob(sync),
      bookingPolicyRecheckJob(sync),
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
