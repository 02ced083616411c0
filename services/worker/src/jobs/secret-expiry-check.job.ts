import type { IntegrationRepository } from '@ones-m365/shared/db';
import { secretExpiry } from '@ones-m365/shared/integrations';
import type { JobHandler } from './job-handler.js';

/**
 * Scheduled once a day: one warning log line per integration whose client secret expires within
 * 30 days (or has expired), so log-based alerting sees it weeks ahead, as health and /metrics do.
 */
export function secretExpiryCheckJob(deps: {
  integrations: Pick<IntegrationRepository, 'list'>;
  now?: () => Date;
}): JobHandler<'maintenance.secret-expiry-check'> {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'maintenance.secret-expiry-check',
    async handle(_payload, ctx) {
      let warned = 0;
      for (const integration of await deps.integrations.list()) {
        const { level, daysLeft } = secretExpiry(integration.clientSecretExpiresAt, now());
        if (level === 'ok' || level === 'unknown') continue;
        warned++;
        ctx.logger.warn(level === 'expired' ? 'client secret expired' : 'client secret expires soon', {
          integrationId: integration.id,
          name: integration.name,
          expiresAt: integration.clientSecretExpiresAt!.toISOString(),
          daysLeft,
        });
      }
      return { warned };
    },
  };
}
