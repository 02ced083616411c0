/**
 * Enable / disable an integration and read its Graph subscriptions (contract.md). Enabling starts
 * the first full sync of rooms and users (coalesced per stream) and a reconcile of the
 * subscriptions; disabling stops and deletes the subscriptions at Graph (by the reconcile job).
 * Both are answered once saved: the jobs are enqueued through the job outbox (a job id is null
 * while the queue is unreachable; the worker enqueues it once Redis is back).
 */
import type { GraphSubscriptionRepository, IntegrationRepository } from '@ones-m365/shared/db';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { existingIntegration } from '../services/existing-integration.js';
import type { IntegrationLifecycle } from '../services/integration-lifecycle.service.js';
import { integrationView } from '@ones-m365/shared/events';
import { idParams } from './integration.schemas.js';

export interface SubscriptionsRoutesDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  subscriptions: Pick<GraphSubscriptionRepository, 'listForIntegration'>;
  lifecycle: Pick<IntegrationLifecycle, 'enable' | 'disable'>;
}

const TAG = 'integrations';

export function subscriptionsRoutes(deps: SubscriptionsRoutesDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/integrations/:id/enable',
      tag: TAG,
      params: idParams,
      summary: 'Enable: first full sync of rooms then users, then change-notification subscriptions (or polling)',
      responses: {
        202: '{integration, jobs: {rooms, users, subscriptions}} (a job id is null while the queue is unreachable: it is enqueued once Redis is back)',
        404: 'No such integration',
      },
      async handler({ params }, res) {
        const { integration, jobs } = await deps.lifecycle.enable(params.id);
        res.status(202).json({ integration: integrationView(integration), jobs });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/integrations/:id/disable',
      tag: TAG,
      params: idParams,
      summary: 'Disable: stop syncing; the Graph subscriptions are deleted',
      responses: {
        202: '{integration, jobs: {subscriptions}} (null while the queue is unreachable, as for enable)',
        404: 'No such integration',
      },
      async handler({ params }, res) {
        const { integration, jobs } = await deps.lifecycle.disable(params.id);
        res.status(202).json({ integration: integrationView(integration), jobs });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/:id/subscriptions',
      tag: TAG,
      params: idParams,
      summary: "The integration's Graph change-notification subscriptions",
      responses: { 200: '{items: [{id, resource, changeType, expiresAt, status}]}', 404: 'No such integration' },
      async handler({ params }) {
        await existingIntegration(deps.integrations, params.id);
        const rows = await deps.subscriptions.listForIntegration(params.id);
        return {
          items: rows.map((s) => ({
            id: s.graphSubscriptionId,
            resource: s.resource,
            changeType: s.changeType,
            expiresAt: s.expiresAt.toISOString(),
            status: s.status,
          })),
        };
      },
    }),
  ];
}
