/**
 * The one place errors become HTTP: `{error: {code, message, details?}}`. Unknown errors are
 * logged (redacted) and answered 500 without internals.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '@ones-m365/shared/errors';
import type { Logger } from '@ones-m365/shared/logging';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

export function errorHandler(logger: Logger) {
  // Express recognises error handlers by their four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const e = err as BodyParserError;
    if (e?.type === 'entity.parse.failed') {
      return res.status(400).json({ error: { code: 'invalid_json', message: 'The request body is not valid JSON' } });
    }
    if (e?.type === 'entity.too.large') {
      return res.status(413).json({ error: { code: 'payload_too_large', message: `The request body is larger than ${e.limit} bytes` } });
    }
    if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
      return res.status(415).json({ error: { code: 'unsupported_encoding', message: e.message } });
    }
    if (err instanceof AppError) {
      if (err.status >= 500) logger.error('request failed', { method: req.method, path: req.path, code: err.code, error: err.message });
      return res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
    }
    logger.error('unhandled error', { method: req.method, path: req.path, error: err });
    res.status(500).json({ error: { code: 'internal_error', message: 'Internal server error' } });
  };
}

export function notFoundHandler(req: Request, res: Response) {
  res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
}
