import type { NextFunction, Request, Response } from 'express';
import { constantTimeEqual } from '@ones-m365/shared/crypto';
import { UnauthorizedError } from '@ones-m365/shared/errors';

/**
 * The one Authorization header of a request, or '' when there is none or more than one. Node keeps
 * only the first of repeated Authorization headers in `req.headers`; a request carrying two is
 * ambiguous (a proxy may read the other one), so it is refused rather than guessed.
 */
function soleAuthorization(req: Request): string {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'authorization') count++;
  return count === 1 ? (req.headers.authorization ?? '') : '';
}

/**
 * `Authorization: Bearer <API_TOKEN>`, compared in constant time. A missing header, repeated
 * headers and a wrong token take the same path and answer the same 401.
 */
export function bearerAuth(token: string) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = soleAuthorization(req);
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!constantTimeEqual(presented, token)) return next(new UnauthorizedError('Missing or invalid bearer token'));
    next();
  };
}

/** HTTP basic auth for the dashboard; the browser gets a login prompt. */
export function basicAuth(user: string, password: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = soleAuthorization(req);
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const sep = decoded.indexOf(':');
    const okUser = constantTimeEqual(sep >= 0 ? decoded.slice(0, sep) : '', user);
    const okPass = constantTimeEqual(sep >= 0 ? decoded.slice(sep + 1) : '', password);
    if (okUser && okPass) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="ones-m365 queues", charset="UTF-8"');
    res.status(401).json({ error: { code: 'unauthorized', message: 'Dashboard credentials required' } });
  };
}
