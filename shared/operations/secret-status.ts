/**
 * The integration's status follows Microsoft's answer about its secret: AADSTS7000222 on any token
 * request (a sync's, a subscription's, Test settings') writes the expired-secret reason; the next
 * token clears it. Other reasons (a polling fallback) are replaced only by the rejection.
 */
import type { DataSource } from 'typeorm';
import { IntegrationRepository } from '../db/index.js';
import { isSecretReason, SECRET_REJECTED_REASON } from '../integrations/index.js';

export function secretStatusWriter(db: DataSource): (integrationId: string, rejected: boolean) => Promise<void> {
  const integrations = new IntegrationRepository(db);
  return async (integrationId, rejected) => {
    const integration = await integrations.get(integrationId);
    if (!integration) return;
    if (rejected && integration.statusReason !== SECRET_REJECTED_REASON) {
      await integrations.update(integrationId, { statusReason: SECRET_REJECTED_REASON });
    } else if (!rejected && isSecretReason(integration.statusReason)) {
      await integrations.update(integrationId, { statusReason: null });
    }
  };
}
