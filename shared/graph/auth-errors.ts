/**
 * Token-request failures (MSAL errors, login-host answers) → GraphAuthError / transient errors.
 * Classification follows the OAuth `error` field first and refines it with the AADSTS number,
 * which Microsoft warns can change (graph-facts §1). Both are kept on the error for logs.
 */
import {
  GraphAuthError,
  GraphConfigError,
  GraphThrottledError,
  GraphTransientError,
  type AuthFailureReason,
  type GraphFailure,
} from './graph-error-types.js';

/** What the login host did during the failed acquisition, as seen by our MSAL network client. */
export interface LoginFailure {
  kind: 'timeout' | 'network' | 'http';
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  cause?: unknown;
}

const BY_AADSTS: Readonly<Record<string, AuthFailureReason>> = {
  '7000215': 'invalid_secret',
  '7000222': 'expired_secret',
  '7000218': 'missing_credential',
  '700027': 'invalid_certificate',
  '700016': 'app_not_found',
  '90002': 'tenant_not_found',
  '90038': 'wrong_cloud',
  '500011': 'resource_not_found',
  '1002012': 'invalid_scope',
  '9001023': 'wrong_authority',
  '7000112': 'app_disabled',
  '53003': 'blocked_by_policy',
  '65001': 'consent_missing',
  '90094': 'consent_missing',
};

const BY_OAUTH_ERROR: Readonly<Record<string, AuthFailureReason>> = {
  invalid_client: 'invalid_client',
  unauthorized_client: 'unauthorized_client',
  invalid_scope: 'invalid_scope',
  invalid_resource: 'resource_not_found',
  consent_required: 'consent_missing',
};

/** Words an admin can act on, per reason. */
export const AUTH_REASON_MESSAGES: Readonly<Record<AuthFailureReason, string>> = {
  invalid_secret: 'The client secret is wrong',
  expired_secret: 'The client secret has expired; create a new one in the app registration',
  missing_credential: 'No client secret was sent',
  invalid_certificate: 'The client certificate was rejected',
  app_not_found: 'The application (client) ID was not found in this tenant; check the client ID and tenant ID',
  tenant_not_found: 'The tenant was not found; check the tenant ID and the cloud',
  wrong_cloud: 'The tenant belongs to a different national cloud; check the cloud setting',
  resource_not_found: 'Microsoft Graph is not available to this tenant (resource not found)',
  invalid_scope: 'The token scope was rejected',
  wrong_authority: 'Client credentials need a tenant-specific authority',
  app_disabled: 'The application is disabled in this tenant',
  blocked_by_policy: 'A Conditional Access policy blocked the application',
  consent_missing: 'Admin consent has not been granted',
  invalid_client: 'The client credentials were rejected',
  unauthorized_client: 'The application is not registered or not added in this tenant',
  token_rejected: 'Microsoft Graph rejected the access token',
  login_misconfigured: 'The login endpoint settings are not usable',
  token_request_failed: 'The token request failed',
};

interface MsalLike {
  name?: unknown;
  errorCode?: unknown;
  errorMessage?: unknown;
  errorNo?: unknown;
  status?: unknown;
  correlationId?: unknown;
}

export function isMsalError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as MsalLike;
  return typeof e.errorCode === 'string' && typeof e.errorMessage === 'string';
}

/** An MSAL error built from a login-host answer (it carries the OAuth error). */
export function isMsalServerError(err: unknown): boolean {
  const name = (err as MsalLike).name;
  return name === 'ServerError' || name === 'InteractionRequiredAuthError';
}

export function reasonFor(aadstsCode: string | null, oauthError: string | null): AuthFailureReason {
  return (
    (aadstsCode ? BY_AADSTS[aadstsCode] : undefined) ??
    (oauthError ? BY_OAUTH_ERROR[oauthError] : undefined) ??
    'token_request_failed'
  );
}

export function authError(
  aadstsCode: string | null,
  oauthError: string | null,
  fields: { graphStatus?: number | null; requestId?: string | null; cause?: unknown } = {},
): GraphAuthError {
  const reason = reasonFor(aadstsCode, oauthError);
  const suffix = [aadstsCode ? `AADSTS${aadstsCode}` : null, oauthError].filter(Boolean).join(', ');
  const message = `${AUTH_REASON_MESSAGES[reason]}${suffix ? ` (${suffix})` : ''}`;
  return new GraphAuthError(message, reason, { aadstsCode, oauthError }, { ...fields, target: 'login' });
}

const MSAL_CONFIG_CODES = new Set([
  'untrusted_authority',
  'authority_uri_insecure',
  'url_parse_error',
  'invalid_authority_metadata',
  'invalid_cloud_discovery_metadata',
  'empty_url_error',
]);

/** Maps an MSAL error, using what the network client recorded when MSAL hides the body. */
export function mapMsalError(err: Error, recorded: LoginFailure | null, loginHost?: string): GraphFailure {
  const e = err as MsalLike;
  const errorCode = typeof e.errorCode === 'string' ? e.errorCode : '';
  const isServerError = isMsalServerError(err);
  const body = recordedOAuthBody(recorded);
  const oauthError = (isServerError && errorCode ? errorCode : null) ?? body.error;
  const aadsts =
    (typeof e.errorNo === 'string' || typeof e.errorNo === 'number' ? String(e.errorNo) : null) ??
    aadstsFromText(typeof e.errorMessage === 'string' ? e.errorMessage : '') ??
    body.aadsts;
  const status = typeof e.status === 'number' ? e.status : (recorded?.status ?? null);
  const fields = { graphStatus: status, requestId: body.traceId, cause: undefined, target: 'login' as const };

  if (!oauthError && !aadsts && recorded && recorded.kind !== 'http') {
    return recorded.kind === 'timeout'
      ? new GraphTransientError(`${capitalized(loginHostName(loginHost))} did not answer in time`, 'timeout', fields)
      : new GraphTransientError(`${capitalized(loginHostName(loginHost))} could not be reached`, 'network', fields);
  }
  if (status === 429) return new GraphThrottledError('The login host is throttling token requests', null, fields);
  if (status !== null && status >= 500) {
    return new GraphTransientError(`The login host failed (HTTP ${status})`, 'server_error', fields);
  }
  if (oauthError || aadsts) return authError(aadsts, oauthError, fields);
  if (MSAL_CONFIG_CODES.has(errorCode)) {
    return new GraphConfigError(`The login endpoint is not usable (${errorCode})`, 'endpoints.login', {
      target: 'login',
    });
  }
  return new GraphAuthError(
    `${AUTH_REASON_MESSAGES.token_request_failed} (${errorCode || 'unknown'})`,
    'token_request_failed',
    {},
    fields,
  );
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "the login host login.chinacloudapi.cn", or just "the login host" when it is not known. */
export function loginHostName(host: string | undefined): string {
  return host ? `the login host ${host}` : 'the login host';
}

export function aadstsFromText(text: string): string | null {
  const m = /AADSTS(\d{4,8})/.exec(text);
  return m?.[1] ?? null;
}

/** Reads `{error, error_codes, error_description, trace_id}` from a login-host error body. */
export function oauthBodyFields(body: unknown): {
  error: string | null;
  aadsts: string | null;
  traceId: string | null;
} {
  if (!body || typeof body !== 'object') return { error: null, aadsts: null, traceId: null };
  const b = body as Record<string, unknown>;
  const codes: unknown[] = Array.isArray(b.error_codes) ? b.error_codes : [];
  const first = codes[0];
  const aadsts =
    typeof first === 'number' || typeof first === 'string'
      ? String(first)
      : aadstsFromText(typeof b.error_description === 'string' ? b.error_description : '');
  return {
    error: typeof b.error === 'string' ? b.error : null,
    aadsts,
    traceId: typeof b.trace_id === 'string' ? b.trace_id : null,
  };
}

function recordedOAuthBody(recorded: LoginFailure | null): ReturnType<typeof oauthBodyFields> {
  return recorded?.kind === 'http' ? oauthBodyFields(recorded.body) : { error: null, aadsts: null, traceId: null };
}
