/** `GET /integrations/{id}/health`: one status and named checks an admin can act on (contract.md, "Health"). */
import type { IntegrationRepository } from '@ones-m365/shared/db';
import { NotFoundError } from '@ones-m365/shared/errors';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { gatherHealthFacts, type HealthFactsDeps } from '../health/health-facts.js';
import { integrationHealth } from '../health/integration-health.js';
import { idParams } from './integration.schemas.js';

export function integrationHealthRoutes(
  deps: HealthFactsDeps & { integrations: Pick<IntegrationRepository, 'get'> },
): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/integrations/:id/health',
      tag: 'integrations',
      params: idParams,
      summary:
        'Health at a glance: credentials and secret expiry, each stream, subscriptions, throttling, runs waiting for confirmation',
      responses: { 200: '{status: ok|warning|failing, checks: [{name, status, message}]}', 404: 'No such integration' },
      async handler({ params }) {
        const integration = await deps.integrations.get(params.id);
        if (!integration) throw new NotFoundError('Integration');
        return integrationHealth(await gatherHealthFacts(deps, integration, new Date()));
      },
    }),
  ];
}
