import type { IntegrationEntity, IntegrationRepository } from '@ones-m365/shared/db';
import { NotFoundError } from '@ones-m365/shared/errors';

/** The live integration `id`, or 404: the one "integration exists" check of every route. */
export async function existingIntegration(
  integrations: Pick<IntegrationRepository, 'get'>,
  id: string,
): Promise<IntegrationEntity> {
  const integration = await integrations.get(id);
  if (!integration) throw new NotFoundError('Integration');
  return integration;
}
