/** The checks Entra makes on a token or authorize request: tenant, cloud, app, secret, redirect URI. */
import type { SimContext } from '../context.js';
import { oauthError } from '../http/errors.js';
import type { SimResponse } from '../http/types.js';
import { CLOUDS } from '../tenant/clouds.js';
import type { AppRecord } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';

export type Checked<T> = { ok: T } | { fail: SimResponse };

const GENERIC_TENANTS = new Set(['common', 'organizations', 'consumers']);

export function isGenericTenant(segment: string): boolean {
  return GENERIC_TENANTS.has(segment.toLowerCase());
}

export function resolveTenant(ctx: SimContext, segment: string): Checked<Tenant> {
  const tenant = ctx.tenants.find(segment);
  if (!tenant) {
    return {
      fail: oauthError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      ),
    };
  }
  if (tenant.cloud !== ctx.cloud) {
    return {
      fail: oauthError(
        400,
        'invalid_request',
        90038,
        `NationalCloudTenantRedirection - The specified tenant '${segment}' belongs to another cloud. Current cloud instance '${CLOUDS[ctx.cloud].instanceName}' Federated instance '${CLOUDS[tenant.cloud].instanceName}'.`,
      ),
    };
  }
  return { ok: tenant };
}

export function resolveApp(tenant: Tenant, clientId: string | null): Checked<AppRecord> {
  if (!clientId) {
    return {
      fail: oauthError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      ),
    };
  }
  const app = tenant.apps.get(clientId);
  if (!app) {
    return {
      fail: oauthError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      ),
    };
  }
  return { ok: app };
}

/** Secret check: a wrong secret → 7000215; the right one but expired → 7000222. */
export function checkSecret(app: AppRecord, secret: string | null, hasAssertion: boolean): SimResponse | null {
  if (!secret) {
    if (hasAssertion) return oauthError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    return oauthError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const match = app.secrets.find((s) => s.value === secret);
  if (!match) {
    return oauthError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  }
  if (Date.parse(match.expiresAt) <= Date.now()) {
    return oauthError(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    );
  }
  return null;
}

/**
 * Redirect URIs match exactly (case-sensitive), except that for http://localhost and
 * http://127.0.0.1 the port is ignored (Entra's loopback rule).
 */
export function redirectUriAllowed(app: AppRecord, uri: string): boolean {
  if (app.redirectUris.includes(uri)) return true;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' || (u.hostname !== 'localhost' && u.hostname !== '127.0.0.1')) return false;
  const portless = `${u.protocol}//${u.hostname}${u.pathname}${u.search}`;
  return app.redirectUris.some((r) => {
    try {
      const ru = new URL(r);
      return `${ru.protocol}//${ru.hostname}${ru.pathname}${ru.search}` === portless;
    } catch {
      return false;
    }
  });
}

export function redirectMismatch(app: AppRecord, uri: string): SimResponse {
  return oauthError(
    400,
    'invalid_request',
    50011,
    `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${app.appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
  );
}
