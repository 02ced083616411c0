import type { DataSource } from 'typeorm';
import { SyncRunRepository } from '@ones-m365/shared/db';
import { JOB_NAMES } from '@ones-m365/shared/queue';
import { buildRegistry, type JobRegistry } from './job-handler.js';
import { pruneSyncRunsJob } from './prune-sync-runs.job.js';

export interface WorkerDeps {
  db: DataSource;
}

/** Every job handler, one file each. `buildRegistry` refuses to start on a gap or a double. */
export function createRegistry(deps: WorkerDeps): JobRegistry {
  const syncRuns = new SyncRunRepository(deps.db);
  return buildRegistry([pruneSyncRunsJob({ syncRuns })], JOB_NAMES);
}

export type { JobContext, JobHandler, JobRegistry } from './job-handler.js';
export { buildRegistry } from './job-handler.js';
