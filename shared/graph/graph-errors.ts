/**
 * The ONE mapping from any failure of a Graph or login-host call to a typed GraphFailure:
 * Graph error JSON `{error:{code,message}}` with its HTTP status and headers, graph-client's
 * GraphError, MSAL errors, network errors and timeouts. Callers branch on the class (or `kind`)
 * and on `retryable`; long Retry-After waits are left to the job queue (`retryAfterMs`).
 */
import { isMsalError, isMsalServerError, loginHostName, mapMsalError, type LoginFailure } from './auth-errors.js';
import {
  GraphAuthError,
  GraphConfigError,
  GraphConflictError,
  GraphDeltaExpiredError,
  GraphFailure,
  GraphForbiddenError,
  GraphNotFoundError,
  GraphRequestError,
  GraphThrottledError,
  GraphTransientError,
  type GraphFailureFields,
  type GraphFailureTarget,
} from './graph-error-types.js';

export * from './graph-error-types.js';
export { AUTH_REASON_MESSAGES, type LoginFailure } from './auth-errors.js';

/** Graph error codes that mean "the delta/sync token is gone: resync in full" (case-insensitive). */
const DELTA_EXPIRED_CODES = new Set(
  [
    'syncStateNotFound',
    'resyncRequired',
    'SyncStateInvalid',
    'syncStateInvalid',
    'ErrorInvalidSyncStateData',
    'ErrorSyncStateNotFound',
    'fullSyncRequired',
  ].map((c) => c.toLowerCase()),
);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

/** An HTTP answer as our transport sees it. */
export interface HttpFailureResponse {
  status: number;
  headers?: Headers | Record<string, string> | null;
  body?: unknown;
}

export interface ToGraphErrorContext {
  target?: GraphFailureTarget;
  /** What the MSAL network client recorded during a failed token acquisition. */
  loginFailure?: LoginFailure | null;
  /** `host[:port]` of the login host that was tried, named in messages an admin reads. */
  loginHost?: string;
  /** For messages: what was being done, e.g. "GET /users/delta". Never a URL with a token in it. */
  operation?: string;
  now?: number;
}

export function toGraphError(err: unknown, ctx: ToGraphErrorContext = {}): GraphFailure {
  if (err instanceof GraphFailure) return err;
  if (isMsalError(err)) {
    const lf = ctx.loginFailure ?? null;
    // No answer from the login host at all: classify the socket-level cause (timeout, TLS, network).
    if (lf && lf.kind !== 'http' && !isMsalServerError(err)) return fromThrown(lf.cause, { ...ctx, target: 'login' });
    return mapMsalError(err as Error, lf, ctx.loginHost);
  }
  if (isHttpFailureResponse(err)) return fromResponse(err, ctx);
  if (isSdkGraphError(err)) return fromSdkGraphError(err, ctx);
  return fromThrown(err, ctx);
}

/** Maps a non-2xx Graph answer. */
export function fromResponse(res: HttpFailureResponse, ctx: ToGraphErrorContext = {}): GraphFailure {
  const { code, message, innerRequestId } = graphErrorBody(res.body);
  const status = res.status;
  const fields: GraphFailureFields = {
    graphStatus: status,
    graphCode: code,
    requestId: header(res.headers, 'request-id') ?? header(res.headers, 'client-request-id') ?? innerRequestId,
    target: ctx.target ?? 'graph',
  };
  const what = describe(status, code, message, ctx.operation);
  if (status === 410 || (code && DELTA_EXPIRED_CODES.has(code.toLowerCase()))) {
    return new GraphDeltaExpiredError(what, header(res.headers, 'location'), fields);
  }
  const retryAfterMs = parseRetryAfter(header(res.headers, 'retry-after'), ctx.now);
  if (status === 429) return new GraphThrottledError(what, retryAfterMs, fields);
  if (status === 503 && retryAfterMs !== null) return new GraphThrottledError(what, retryAfterMs, fields);
  if (status >= 500) return new GraphTransientError(what, 'server_error', fields);
  if (status === 401) return new GraphAuthError(what, 'token_rejected', {}, fields);
  if (status === 403) return new GraphForbiddenError(what, fields);
  if (status === 404) return new GraphNotFoundError(what, fields);
  if (status === 409) return new GraphConflictError(what, fields);
  return new GraphRequestError(what, fields);
}

/**
 * `Retry-After` as milliseconds from now: delay-seconds (RFC 9110) or an HTTP-date. Null when
 * absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (!/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

interface SdkGraphErrorLike {
  statusCode: number;
  code: string | null;
  message: string;
  requestId: string | null;
  headers?: Headers;
  body: unknown;
  stack?: string;
}

function isSdkGraphError(err: unknown): err is SdkGraphErrorLike {
  return err instanceof Error && typeof (err as { statusCode?: unknown }).statusCode === 'number' && 'body' in err;
}

function fromSdkGraphError(err: SdkGraphErrorLike, ctx: ToGraphErrorContext): GraphFailure {
  if (err.statusCode > 0) {
    let body: unknown = err.body;
    if (typeof body === 'string') {
      try {
        body = { error: JSON.parse(body) as unknown };
      } catch {
        body = { error: { code: err.code, message: err.message } };
      }
    }
    return fromResponse({ status: err.statusCode, headers: err.headers ?? null, body }, ctx);
  }
  // graph-client wraps a thrown error: its name is in `code`, its message in `message`.
  const inner = new Error(err.message);
  inner.name = err.code ?? 'Error';
  return fromThrown(inner, ctx);
}

function fromThrown(err: unknown, ctx: ToGraphErrorContext): GraphFailure {
  const target = ctx.target ?? 'graph';
  const host = target === 'login' ? loginHostName(ctx.loginHost) : 'Microsoft Graph';
  const name = err instanceof Error ? err.name : '';
  const codes = errorCodes(err);
  if (
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    codes.includes('ETIMEDOUT') ||
    codes.includes('UND_ERR_CONNECT_TIMEOUT')
  ) {
    return new GraphTransientError(`${host} did not answer in time${op(ctx)}`, 'timeout', { target, cause: err });
  }
  const tls = codes.find((c) => TLS_CODES.has(c));
  if (tls) {
    return new GraphConfigError(
      `The TLS certificate of ${host} is not trusted (${tls}); a private CA must be added with NODE_EXTRA_CA_CERTS`,
      null,
      { target, cause: err },
    );
  }
  if (
    codes.some((c) => NETWORK_CODES.has(c)) ||
    (err instanceof TypeError && /fetch failed|network/i.test(err.message))
  ) {
    return new GraphTransientError(`${host} could not be reached${op(ctx)}`, 'network', { target, cause: err });
  }
  const msg = err instanceof Error ? redact(err.message) : 'unknown failure';
  return new GraphRequestError(`Request to ${host} failed${op(ctx)}: ${msg}`, { target, cause: err });
}

/** Error codes along the `cause` chain (undici hides the socket error one level down). */
function errorCodes(err: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

function isHttpFailureResponse(err: unknown): err is HttpFailureResponse {
  return (
    typeof err === 'object' &&
    err !== null &&
    !(err instanceof Error) &&
    typeof (err as { status?: unknown }).status === 'number'
  );
}

function graphErrorBody(body: unknown): { code: string | null; message: string | null; innerRequestId: string | null } {
  const e = body && typeof body === 'object' ? (body as { error?: unknown }).error : undefined;
  if (typeof e === 'string') {
    // Login host / OAuth-style body: {error: "invalid_client", error_description}
    const desc = (body as { error_description?: unknown }).error_description;
    return { code: e, message: typeof desc === 'string' ? desc : null, innerRequestId: null };
  }
  if (!e || typeof e !== 'object') return { code: null, message: null, innerRequestId: null };
  const o = e as Record<string, unknown>;
  const inner = (o.innerError ?? o.innererror) as Record<string, unknown> | undefined;
  const rid = inner?.['request-id'];
  return {
    code: typeof o.code === 'string' ? o.code : null,
    message: typeof o.message === 'string' ? o.message : null,
    innerRequestId: typeof rid === 'string' ? rid : null,
  };
}

function header(headers: HttpFailureResponse['headers'], name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const rec = headers as Record<string, string>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  return key === undefined ? null : (rec[key] ?? null);
}

function describe(status: number, code: string | null, message: string | null, operation?: string): string {
  const head = `Microsoft Graph answered ${status}${code ? ` ${code}` : ''}${operation ? ` to ${operation}` : ''}`;
  return message ? `${head}: ${redact(message).slice(0, 300)}` : head;
}

function op(ctx: ToGraphErrorContext): string {
  return ctx.operation ? ` (${ctx.operation})` : '';
}

/** Strips anything that looks like a bearer token or JWT from text that may reach a log. */
export function redact(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
}
