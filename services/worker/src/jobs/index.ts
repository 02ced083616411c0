import { IntegrationRepository, SyncRunRepository } from '@ones-m365/shared/db';
import { JOB_NAMES } from '@ones-m365/shared/queue';
import { buildRegistry, type JobRegistry } from './job-handler.js';
import { pruneSyncRunsJob } from './prune-sync-runs.job.js';
import { roomsSyncJob } from './rooms-sync.job.js';
import { secretExpiryCheckJob } from './secret-expiry-check.job.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';
import { subscriptionsLifecycleJob } from './subscriptions-lifecycle.job.js';
import { subscriptionsPollJob } from './subscriptions-poll.job.js';
import { subscriptionsReconcileJob } from './subscriptions-reconcile.job.js';
import { subscriptionsRenewDueJob } from './subscriptions-renew-due.job.js';
import { usersSyncJob } from './users-sync.job.js';
import type { SyncJobDeps } from '../sync/sync-job-runner.js';

/** What the jobs need: the database, the worker's Redis, Graph and the secret box. */
export type WorkerDeps = SyncJobDeps & SubscriptionJobDeps;

/** Every job handler, one file each. `buildRegistry` refuses to start on a gap or a double. */
export function createRegistry(deps: WorkerDeps): JobRegistry {
  const syncRuns = new SyncRunRepository(deps.db);
  return buildRegistry([pruneSyncRunsJob({ syncRuns }), secretExpiryCheckJob({ integrations: new IntegrationRepository(deps.db) }), roomsSyncJob(deps), usersSyncJob(deps),
    subscriptionsReconcileJob(deps), subscriptionsRenewDueJob(deps), subscriptionsLifecycleJob(deps), subscriptionsPollJob(deps),
  ], JOB_NAMES);
}

export type { JobContext, JobHandler, JobRegistry } from './job-handler.js';
export { buildRegistry } from './job-handler.js';
