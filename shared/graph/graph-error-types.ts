/**
 * The typed failures every Graph / login-host call ends in. `status` is inherited from AppError and
 * is what *our* API would answer (503 when retrying later may help, 422 when the tenant or the
 * settings must change); `graphStatus` is the HTTP status Graph or the login host sent (null when no
 * response arrived). Messages never contain the client secret or a token.
 */
import { AppError } from '../errors/index.js';

export type GraphFailureKind =
  | 'throttled'
  | 'transient'
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'delta_expired'
  | 'request'
  | 'configuration';

/** Which host failed: Microsoft Graph itself or the login (token) host. */
export type GraphFailureTarget = 'graph' | 'login';

export interface GraphFailureFields {
  graphStatus?: number | null;
  graphCode?: string | null;
  requestId?: string | null;
  target?: GraphFailureTarget;
  cause?: unknown;
  details?: unknown;
}

export abstract class GraphFailure extends AppError {
  abstract readonly kind: GraphFailureKind;
  readonly graphStatus: number | null;
  readonly graphCode: string | null;
  readonly requestId: string | null;
  readonly target: GraphFailureTarget;

  protected constructor(code: string, message: string, retryable: boolean, fields: GraphFailureFields) {
    super(code, message, retryable ? 503 : 422, { cause: fields.cause, details: fields.details, retryable });
    this.graphStatus = fields.graphStatus ?? null;
    this.graphCode = fields.graphCode ?? null;
    this.requestId = fields.requestId ?? null;
    this.target = fields.target ?? 'graph';
  }
}

/** 429, or 503 with Retry-After. `retryAfterMs` is null when the service named no wait. */
export class GraphThrottledError extends GraphFailure {
  readonly kind = 'throttled' as const;
  readonly retryAfterMs: number | null;
  constructor(message: string, retryAfterMs: number | null, fields: GraphFailureFields = {}) {
    super('graph_throttled', message, true, fields);
    this.retryAfterMs = retryAfterMs;
  }
}

export type TransientReason = 'server_error' | 'network' | 'timeout';

/** 5xx without Retry-After, connection failures and timeouts. */
export class GraphTransientError extends GraphFailure {
  readonly kind = 'transient' as const;
  readonly reason: TransientReason;
  constructor(message: string, reason: TransientReason, fields: GraphFailureFields = {}) {
    super('graph_unavailable', message, true, fields);
    this.reason = reason;
  }
}

export type AuthFailureReason =
  | 'invalid_secret'
  | 'expired_secret'
  | 'missing_credential'
  | 'invalid_certificate'
  | 'app_not_found'
  | 'tenant_not_found'
  | 'wrong_cloud'
  | 'resource_not_found'
  | 'invalid_scope'
  | 'wrong_authority'
  | 'app_disabled'
  | 'blocked_by_policy'
  | 'consent_missing'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'token_rejected'
  | 'login_misconfigured'
  | 'token_request_failed';

/** Token acquisition failed (AADSTS…), or Graph answered 401. */
export class GraphAuthError extends GraphFailure {
  readonly kind = 'auth' as const;
  readonly reason: AuthFailureReason;
  /** AADSTS number as a string, e.g. "7000215"; null when none was given. */
  readonly aadstsCode: string | null;
  /** The OAuth `error` field, e.g. "invalid_client". */
  readonly oauthError: string | null;
  constructor(
    message: string,
    reason: AuthFailureReason,
    auth: { aadstsCode?: string | null; oauthError?: string | null },
    fields: GraphFailureFields = {},
  ) {
    super('graph_auth_failed', message, false, fields);
    this.reason = reason;
    this.aadstsCode = auth.aadstsCode ?? null;
    this.oauthError = auth.oauthError ?? null;
  }
}

/** 403: missing application permission, Authorization_RequestDenied, ErrorAccessDenied, quotas. */
export class GraphForbiddenError extends GraphFailure {
  readonly kind = 'forbidden' as const;
  constructor(message: string, fields: GraphFailureFields = {}) {
    super('graph_forbidden', message, false, fields);
  }
}

export class GraphNotFoundError extends GraphFailure {
  readonly kind = 'not_found' as const;
  constructor(message: string, fields: GraphFailureFields = {}) {
    super('graph_not_found', message, false, fields);
  }
}

export class GraphConflictError extends GraphFailure {
  readonly kind = 'conflict' as const;
  constructor(message: string, fields: GraphFailureFields = {}) {
    super('graph_conflict', message, false, fields);
  }
}

/** The delta token is no longer valid: drop it and resync in full. */
export class GraphDeltaExpiredError extends GraphFailure {
  readonly kind = 'delta_expired' as const;
  /** The `Location` header of a 410 Gone, when sent (a link with an empty $deltaToken). */
  readonly resyncLocation: string | null;
  constructor(message: string, resyncLocation: string | null, fields: GraphFailureFields = {}) {
    super('graph_delta_expired', message, false, fields);
    this.resyncLocation = resyncLocation;
  }
}

/** Any other 4xx (or an unexpected answer): the request itself must change. */
export class GraphRequestError extends GraphFailure {
  readonly kind = 'request' as const;
  constructor(message: string, fields: GraphFailureFields = {}) {
    super('graph_request_failed', message, false, fields);
  }
}

/** Settings that cannot work: a bad endpoint URL or tenant ID, an untrusted TLS certificate. */
export class GraphConfigError extends GraphFailure {
  readonly kind = 'configuration' as const;
  constructor(message: string, field: string | null, fields: GraphFailureFields = {}) {
    super('graph_invalid_configuration', message, false, {
      ...fields,
      details: field ? [{ field, message }] : fields.details,
    });
  }
}

export function isGraphFailure(err: unknown): err is GraphFailure {
  return err instanceof GraphFailure;
}
