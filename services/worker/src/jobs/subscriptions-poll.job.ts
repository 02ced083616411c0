import { IntegrationRepository } from '@ones-m365/shared/db';
import { requestSync } from '@ones-m365/shared/sync';
import { removePollSchedule } from '../subscriptions/poll-schedule.js';
import type { JobHandler } from './job-handler.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';

/**
 * Run by an integration's poll scheduler: a users delta and a rooms walk (rooms have no change
 * notifications), both coalesced with whatever is already queued. A schedule outliving its
 * integration's enabled state removes itself.
 */
export function subscriptionsPollJob(deps: SubscriptionJobDeps): JobHandler<'subscriptions.poll'> {
  const integrations = new IntegrationRepository(deps.db);
  return {
    name: 'subscriptions.poll',
    async handle({ integrationId }) {
      const integration = await integrations.get(integrationId);
      if (!integration || integration.status !== 'enabled') {
        await removePollSchedule(deps.producer, integrationId);
        return { skipped: 'not enabled' };
      }
      const users = await requestSync(deps.producer, { integrationId, stream: 'users', mode: 'delta', trigger: 'schedule' });
      const rooms = await requestSync(deps.producer, { integrationId, stream: 'rooms', mode: 'full', trigger: 'schedule' });
      return { users: users.jobId, rooms: rooms.jobId };
    },
  };
}
