/**
 * Enable / disable an integration and read its Graph subscriptions (contract.md). Enabling starts
 * the first full sync of rooms and users (coalesced per stream) and a reconcile of the
 * subscriptions; disabling stops and deletes the subscriptions at Graph (by the reconcile job).
 */
import type { GraphSubscriptionRepository, IntegrationRepository, RoomRepository } from '@ones-m365/shared/db';
import type { Logger } from '@ones-m365/shared/logging';
import { requestReconcile } from '@ones-m365/shared/subscriptions';
import { requestSync, streamsOf, type SyncRequestDeps } from '@ones-m365/shared/sync';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { existingIntegration } from '../services/existing-integration.js';
import { integrationView } from '../services/integrations.service.js';
import { idParams } from './integration.schemas.js';

export interface SubscriptionsRoutesDeps extends SyncRequestDeps {
  integrations: Pick<IntegrationRepository, 'get' | 'update'>;
  rooms: Pick<RoomRepository, 'activeIds'>;
  subscriptions: Pick<GraphSubscriptionRepository, 'listForIntegration'>;
  logger: Logger;
}

const TAG = 'integrations';

export function subscriptionsRoutes(deps: SubscriptionsRoutesDeps): AnyRoute[] {
  const load = (id: string) => existingIntegration(deps.integrations, id);
  return [
    defineRoute({
      method: 'post', path: '/integrations/:id/enable', tag: TAG, params: idParams,
      summary: 'Enable: first full sync of rooms then users, then change-notification subscriptions (or polling)',
      responses: { 202: '{integration, jobs: {<stream>: jobId…, subscriptions}}', 404: 'No such integration', 503: 'The queue is unavailable' },
      async handler({ params }, res) {
        await load(params.id);
        const integration = await deps.integrations.update(params.id, { status: 'enabled', statusReason: null });
        // A queue that cannot be reached answers 503 (error-handler.ts), as documented.
        const jobs: Record<string, string> = {};
        for (const target of streamsOf(integration!, await deps.rooms.activeIds(params.id))) {
          jobs[target.stream] = (await requestSync(deps, { ...target, mode: 'full', trigger: 'enable' })).jobId;
        }
        // Subscribing at once, not after the full load: notifications during the load queue a delta
        // behind it, so nothing changed meanwhile is missed.
        const subscriptions = await requestReconcile(deps.producer, params.id, { verify: true });
        deps.logger.info('integration enabled', { integrationId: params.id });
        res.status(202).json({ integration: integrationView(integration!), jobs: { ...jobs, subscriptions: subscriptions.id } });
      },
    }),
    defineRoute({
      method: 'post', path: '/integrations/:id/disable', tag: TAG, params: idParams,
      summary: 'Disable: stop syncing; the Graph subscriptions are deleted',
      responses: { 202: '{integration, jobs: {subscriptions}}', 404: 'No such integration', 503: 'The queue is unavailable' },
      async handler({ params }, res) {
        await load(params.id);
        const integration = await deps.integrations.update(params.id, { status: 'disabled', statusReason: null });
        const subscriptions = await requestReconcile(deps.producer, params.id);
        deps.logger.info('integration disabled', { integrationId: params.id });
        res.status(202).json({ integration: integrationView(integration!), jobs: { subscriptions: subscriptions.id } });
      },
    }),
    defineRoute({
      method: 'get', path: '/integrations/:id/subscriptions', tag: TAG, params: idParams,
      summary: 'The integration\'s Graph change-notification subscriptions',
      responses: { 200: '{items: [{id, resource, changeType, expiresAt, status}]}', 404: 'No such integration' },
      async handler({ params }) {
        await load(params.id);
        const rows = await deps.subscriptions.listForIntegration(params.id);
        return {
          items: rows.map((s) => ({ id: s.graphSubscriptionId, resource: s.resource, changeType: s.changeType, expiresAt: s.expiresAt.toISOString(), status: s.status })),
        };
      },
    }),
  ];
}
