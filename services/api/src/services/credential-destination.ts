/**
 * Where a stored client secret goes: the cloud and custom endpoints name the hosts it is posted
 * to (and that receive the tokens it buys), the tenant and client ID say for whom. A PATCH that
 * changes any of them must bring the secret again, so an API token alone can never send the
 * stored secret to a host its caller just named. Values equal to the stored ones (after the same
 * normalisation: tenant and client ID are case-insensitive) are no change.
 */
import type { IntegrationEntity } from '@ones-m365/shared/db';
import type { FieldIssue } from '@ones-m365/shared/errors';
import type { PatchIntegration } from '../routes/integration.schemas.js';

export const DESTINATION_FIELDS = ['cloud', 'tenantId', 'clientId', 'endpoints'] as const;
type DestinationField = (typeof DESTINATION_FIELDS)[number];
type Destination = Pick<IntegrationEntity, DestinationField>;

function comparable(field: DestinationField, value: Destination[DestinationField]): string {
  if (field === 'endpoints') {
    const e = value as Destination['endpoints'];
    return e ? JSON.stringify([e.login, e.graph]) : 'null';
  }
  return field === 'cloud' ? String(value) : String(value).toLowerCase();
}

/** The destination fields `patch` changes, in a fixed order. */
export function changedDestinationFields(current: Destination, patch: PatchIntegration): DestinationField[] {
  return DESTINATION_FIELDS.filter(
    (f) => patch[f] !== undefined && comparable(f, patch[f]) !== comparable(f, current[f]),
  );
}

/** One issue per changed field and one for the missing secret, or none when the patch may go ahead. */
export function missingSecretIssues(current: Destination, patch: PatchIntegration): FieldIssue[] {
  if (patch.clientSecret !== undefined) return [];
  const changed = changedDestinationFields(current, patch);
  if (changed.length === 0) return [];
  return [
    ...changed.map((f) => ({
      field: `body.${f}`,
      message: 'changes where the client secret is sent: send clientSecret in the same request',
    })),
    {
      field: 'body.clientSecret',
      message: `required when ${changed.join(', ')} change${changed.length === 1 ? 's' : ''}`,
    },
  ];
}
