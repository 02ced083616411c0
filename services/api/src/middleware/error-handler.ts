/**
 * The one place errors become HTTP: `{error: {code, message, details?}}`. Unknown errors are
 * logged (redacted) and answered 500 without internals.
 */
import type { NextFunction, Request, Response } from 'express';
import { isUniqueViolation } from '@ones-m365/shared/db';
import { AppError } from '@ones-m365/shared/errors';
import type { Logger } from '@ones-m365/shared/logging';
import { clientErrorOf } from './client-errors.js';

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
]);
const UNAVAILABLE_MESSAGES =
  /Connection is closed|Stream isn't writeable|enableOfflineQueue|Command timed out|Reached the max retries per request|connect ETIMEDOUT|Connection lost|Pool is closed/i;

/**
 * Redis or the database not answering: a 503 the caller may retry (Graph and the ONES backend
 * both do), not a 500. One place for every route, whatever client raised it.
 */
export function isBackendUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (UNAVAILABLE_MESSAGES.test(err.message)) return true;
  const driverError = (err as { driverError?: unknown }).driverError;
  return driverError !== undefined && driverError !== err && isBackendUnavailable(driverError);
}

export function errorHandler(logger: Logger) {
  // Express recognises error handlers by their four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const client = clientErrorOf(err, req.path);
    if (client) {
      // The client's mistake, not ours: no stack, and below the levels production logs.
      logger.debug('request refused', { method: req.method, status: client.status, code: client.code });
      return res.status(client.status).json({
        error: { code: client.code, message: client.message, ...(client.details ? { details: client.details } : {}) },
      });
    }
    if (err instanceof AppError) {
      if (err.status >= 500)
        logger.error('request failed', { method: req.method, path: req.path, code: err.code, error: err.message });
      return res.status(err.status).json({
        error: {
          code: err.code,
          message: err.message,
          ...(err.details !== undefined ? { details: err.details } : {}),
        },
      });
    }
    if (isUniqueViolation(err)) {
      // Two writers raced past a check (or there was none): the database's unique key decided.
      return res
        .status(409)
        .json({ error: { code: 'conflict', message: 'A record with the same unique values exists already' } });
    }
    if (isBackendUnavailable(err)) {
      logger.warn('backing service unavailable', { method: req.method, path: req.path, error: (err as Error).message });
      return res
        .status(503)
        .json({ error: { code: 'service_unavailable', message: 'Redis or the database is unavailable; retry later' } });
    }
    logger.error('unhandled error', { method: req.method, path: req.path, error: err });
    res.status(500).json({ error: { code: 'internal_error', message: 'Internal server error' } });
  };
}

export function notFoundHandler(req: Request, res: Response) {
  res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
}
