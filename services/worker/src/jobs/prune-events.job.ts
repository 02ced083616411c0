import type { EventRepository } from '@ones-m365/shared/db';
import type { JobHandler } from './job-handler.js';

const DAY_MS = 24 * 3600 * 1000;

/** Keeps the events outbox bounded: deletes events older than `olderThanDays` (by primary key). Safe to re-run. */
export function pruneEventsJob(deps: {
  events: Pick<EventRepository, 'pruneBefore'>;
  now?: () => Date;
}): JobHandler<'maintenance.prune-events'> {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'maintenance.prune-events',
    async handle({ olderThanDays }, ctx) {
      const before = new Date(now().getTime() - olderThanDays * DAY_MS);
      const deleted = await deps.events.pruneBefore(before);
      ctx.logger.info('pruned events', { deleted, before: before.toISOString() });
      return { deleted };
    },
  };
}
