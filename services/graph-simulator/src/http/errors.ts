/** Error bodies in Microsoft Graph's and Entra's shapes. */
import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from './types.js';

/** Graph: `{error:{code, message, innerError:{date, request-id, client-request-id}}}`. */
export function graphError(
  req: Pick<SimRequest, 'requestId' | 'headers'>,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': req.requestId,
          'client-request-id': req.headers['client-request-id'] ?? req.requestId,
        },
      },
    },
  };
}

/** Entra OAuth error body with the AADSTS code in `error_description` and `error_codes`. */
export function oauthError(status: number, error: string, code: number, text: string): SimResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': traceId },
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

export const badRequest = (req: SimRequest, message: string, code = 'BadRequest'): SimResponse =>
  graphError(req, 400, code, message);

export const notFound = (
  req: SimRequest,
  message = 'Resource not found.',
  code = 'Request_ResourceNotFound',
): SimResponse => graphError(req, 404, code, message);

export function parseJsonBody(req: SimRequest): Record<string, unknown> | null {
  if (!req.rawBody) return {};
  try {
    const v: unknown = JSON.parse(req.rawBody);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
