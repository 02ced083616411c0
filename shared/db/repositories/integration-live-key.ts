/**
 * The key that allows one live integration per cloud + tenant + client ID (the unique index
 * `uq_integrations_live_key`). The tenant is compared as entered, lowercased: a tenant typed as
 * a verified domain and the same tenant typed as its GUID are two keys, since the GUID is only
 * known from the first token (tenant-guid.ts), long after the row was written.
 */
import type { IntegrationEntity } from '../entities/index.js';

export type LiveKeyFields = Pick<IntegrationEntity, 'cloud' | 'tenantId' | 'clientId'>;

export const LIVE_KEY_FIELDS = ['cloud', 'tenantId', 'clientId'] as const;

export function integrationLiveKey(i: LiveKeyFields): string {
  return [i.cloud, i.tenantId.trim().toLowerCase(), i.clientId.trim().toLowerCase()].join('|');
}
