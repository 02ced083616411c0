import { requestSync, streamKindOf, streamsOf } from '@ones-m365/shared/sync';
import { removePollSchedule } from '../subscriptions/poll-schedule.js';
import type { JobHandler } from './job-handler.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';

/**
 * Run by an integration's poll scheduler: a run of every stream of the integration (a delta of
 * those that follow changes, a walk of the others, such as rooms, which have no change
 * notifications), each coalesced with whatever is already queued. A schedule outliving its
 * integration's enabled state removes itself.
 */
export function subscriptionsPollJob(deps: SubscriptionJobDeps): JobHandler<'subscriptions.poll'> {
  return {
    name: 'subscriptions.poll',
    async handle({ integrationId }) {
      const integration = await deps.integrations.get(integrationId);
      if (!integration || integration.status !== 'enabled') {
        await removePollSchedule(deps.producer, integrationId);
        return { skipped: 'not enabled' };
      }
      const jobs: Record<string, string> = {};
      for (const target of streamsOf(integration, await deps.rooms.activeIds(integrationId))) {
        const mode = streamKindOf(target.stream)?.followsChanges ? 'delta' : 'full';
        jobs[target.stream] = (await requestSync(deps, { ...target, mode, trigger: 'schedule' })).jobId;
      }
      return jobs;
    },
  };
}
