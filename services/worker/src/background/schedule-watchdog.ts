/**
 * The worker's repeatable schedules live in Redis. If Redis lost its data (a restart without
 * persistence, a flush), they are gone: this puts them back without waiting for a worker restart.
 * The fixed ones (prune, renew-due) are upserted again; an enabled integration whose poll schedule
 * is missing gets a reconcile, which re-creates its schedule (and checks its subscriptions).
 */
import type { IntegrationRepository } from '@ones-m365/shared/db';
import type { Logger } from '@ones-m365/shared/logging';
import { QUEUES, type Producer } from '@ones-m365/shared/queue';
import { requestReconcile } from '@ones-m365/shared/subscriptions';
import { FIXED_SCHEDULES, upsertSchedules, type ScheduleOptions } from '../schedules.js';
import { pollSchedulerId } from '../subscriptions/poll-schedule.js';
import { every, type Periodic } from './every.js';

export interface ScheduleWatchdogDeps {
  producer: Producer;
  integrations: Pick<IntegrationRepository, 'listEnabled'>;
  logger: Logger;
  schedules: ScheduleOptions;
}

/** One check; answers what it restored (scheduler ids). */
export async function restoreMissingSchedules(deps: ScheduleWatchdogDeps): Promise<string[]> {
  const restored: string[] = [];
  for (const { queue, id } of FIXED_SCHEDULES) {
    if (!(await deps.producer.queue(queue).getJobScheduler(id))) restored.push(id);
  }
  if (restored.length) await upsertSchedules(deps.producer, deps.schedules);
  const subscriptions = deps.producer.queue(QUEUES.subscriptions);
  for (const integration of await deps.integrations.listEnabled()) {
    if (await subscriptions.getJobScheduler(pollSchedulerId(integration.id))) continue;
    await requestReconcile(deps.producer, integration.id);
    restored.push(pollSchedulerId(integration.id));
  }
  if (restored.length) deps.logger.warn('missing schedules restored', { schedules: restored });
  return restored;
}

export function startScheduleWatchdog(deps: ScheduleWatchdogDeps, everyMs: number): Periodic {
  return every(everyMs, async () => {
    try {
      await restoreMissingSchedules(deps);
    } catch (err) {
      deps.logger.warn('schedules could not be checked', { error: (err as Error).message });
    }
  });
}
