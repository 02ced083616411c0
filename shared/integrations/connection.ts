import type { SecretBox } from '../crypto/index.js';
import type { IntegrationEntity } from '../db/index.js';
import type { GraphConnection, GraphRequestCounter, RequestLanes } from '../graph/index.js';

/**
 * The Graph connection of a stored integration: its secret opened with the integration id as
 * associated data. The plaintext lives only in this object, never in logs or job payloads.
 * `counter` counts its requests; `lanes` bound them with other jobs' (request-lanes.ts).
 */
export function toGraphConnection(
  integration: IntegrationEntity,
  box: SecretBox,
  { counter, lanes }: { counter?: GraphRequestCounter; lanes?: RequestLanes | undefined } = {},
): GraphConnection {
  return {
    id: integration.id,
    cloud: integration.cloud,
    tenantId: integration.tenantId,
    clientId: integration.clientId,
    clientSecret: box.open(integration.clientSecretSealed, integration.id),
    endpoints: integration.endpoints,
    ...(counter ? { counter } : {}),
    ...(lanes ? { lanes } : {}),
  };
}

export function sealSecret(
  box: SecretBox,
  integrationId: string,
  secret: string,
): { clientSecretSealed: string; clientSecretHint: string } {
  return { clientSecretSealed: box.seal(secret, integrationId), clientSecretHint: secret.slice(-3) };
}
