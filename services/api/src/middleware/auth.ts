import type { NextFunction, Request, Response } from 'express';
import { constantTimeEqual } from '@ones-m365/shared/crypto';
import { UnauthorizedError } from '@ones-m365/shared/errors';

/**
 * `Authorization: Bearer <API_TOKEN>`, compared in constant time. A missing header and a wrong
 * token take the same path and answer the same 401.
 */
export function bearerAuth(token: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!constantTimeEqual(presented, token)) return next(new UnauthorizedError('Missing or invalid bearer token'));
    next();
  };
}

/** HTTP basic auth for the dashboard; the browser gets a login prompt. */
export function basicAuth(user: string, password: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const sep = decoded.indexOf(':');
    const okUser = constantTimeEqual(sep >= 0 ? decoded.slice(0, sep) : '', user);
    const okPass = constantTimeEqual(sep >= 0 ? decoded.slice(sep + 1) : '', password);
    if (okUser && okPass) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="ones-m365 queues", charset="UTF-8"');
    res.status(401).json({ error: { code: 'unauthorized', message: 'Dashboard credentials required' } });
  };
}
