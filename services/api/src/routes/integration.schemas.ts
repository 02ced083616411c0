/** Request bodies of the integration routes (contract.md), one zod schema each. */
import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const guid = z.string().trim().regex(GUID, 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)');
export const tenantIdSchema = z
  .string()
  .trim()
  .refine(
    (v) => GUID.test(v) || DOMAIN.test(v),
    'must be the Directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com',
  );
const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).max(500);

export const endpointsSchema = z.strictObject({ login: httpsUrl, graph: httpsUrl });
export const cloudSchema = z.enum(['global', 'china'], { message: 'must be global (Microsoft) or china (21Vianet)' });

export const credentialsSchema = z.strictObject({
  cloud: cloudSchema,
  tenantId: tenantIdSchema,
  clientId: guid,
  clientSecret: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  endpoints: endpointsSchema.optional(),
});

/** The portal's *Expires* column: an ISO date (midnight UTC of that day) or date-time. */
export const secretExpirySchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    message: 'must be an ISO date (2027-06-30) or date-time (2027-06-30T12:00:00Z)',
  })
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v));

export const createIntegrationSchema = credentialsSchema.extend({
  name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
  clientSecretExpiresAt: secretExpirySchema.optional(),
});

export const patchIntegrationSchema = createIntegrationSchema
  .extend({
    endpoints: endpointsSchema.nullable().optional(),
    clientSecretExpiresAt: secretExpirySchema.nullable().optional(),
    deactivationThreshold: z.number().min(0, 'must be 0..1').max(1, 'must be 0..1').optional(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');

export const syncModeSchema = z.strictObject({
  mode: z.enum(['webhooks', 'polling'], { message: 'must be webhooks or polling' }),
  pollIntervalSeconds: z
    .number()
    .int('must be a whole number')
    .min(60, 'must be at least 60')
    .max(86_400, 'must be at most 86400')
    .optional(),
});

export const idParams = z.object({ id: z.string().uuid('must be an integration id') });

export type CreateIntegration = z.infer<typeof createIntegrationSchema>;
export type PatchIntegration = z.infer<typeof patchIntegrationSchema>;
export type Credentials = z.infer<typeof credentialsSchema>;
