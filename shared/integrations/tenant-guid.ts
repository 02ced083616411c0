import type { IntegrationEntity } from '../db/index.js';
import type { GraphClient, GraphConnection } from '../graph/index.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant's GUID for an integration whose tenant was entered as a verified domain, read from
 * the `tid` of its (cached) app token; null when it is known already or cannot be learned.
 * Webhook notifications name the tenant by GUID, so the tenant check needs it.
 */
export async function learnTenantGuid(
  graph: Pick<GraphClient, 'getToken'>,
  integration: IntegrationEntity,
  conn: GraphConnection,
): Promise<string | null> {
  if (GUID.test(integration.tenantId) || integration.tenantGuid) return null;
  const { tenantId } = await graph.getToken(conn);
  return tenantId && GUID.test(tenantId) ? tenantId.toLowerCase() : null;
}

/** The tenant as Graph's notifications name it, when known. */
export function tenantGuidOf(integration: Pick<IntegrationEntity, 'tenantId' | 'tenantGuid'>): string | null {
  if (integration.tenantGuid) return integration.tenantGuid;
  return GUID.test(integration.tenantId) ? integration.tenantId.toLowerCase() : null;
}
