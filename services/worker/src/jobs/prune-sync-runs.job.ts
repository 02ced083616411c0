import type { SyncRunRepository } from '@ones-m365/shared/db';
import type { JobHandler } from './job-handler.js';

const DAY_MS = 24 * 3600 * 1000;

/** Keeps sync_runs bounded: deletes runs older than `olderThanDays`. Safe to re-run. */
export function pruneSyncRunsJob(deps: {
  syncRuns: Pick<SyncRunRepository, 'pruneBefore'>;
  now?: () => Date;
}): JobHandler<'maintenance.prune-sync-runs'> {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'maintenance.prune-sync-runs',
    async handle({ olderThanDays }, ctx) {
      const before = new Date(now().getTime() - olderThanDays * DAY_MS);
      const deleted = await deps.syncRuns.pruneBefore(before);
      ctx.logger.info('pruned sync runs', { deleted, before: before.toISOString() });
      return { deleted };
    },
  };
}
