/**
 * Binds a sign-in to the browser that started it (login CSRF): a random value in an HttpOnly,
 * SameSite=Lax cookie (Lax: Microsoft's redirect back is a top-level GET), Secure whenever the
 * service is reached over https. Only its SHA-256 is stored with the pending sign-in.
 */
import type { Request, Response } from 'express';
import { randomToken } from '@ones-m365/shared/sso';

export const BROWSER_COOKIE = 'ones_m365_sign_in';
const COOKIE_PATH = '/auth';
const MAX_AGE_SECONDS = 600;

/** The browser's binding value, made and set if it has none yet. */
export function browserIdFor(req: Request, res: Response, secure: boolean): string {
  const existing = browserIdOf(req);
  const id = existing ?? randomToken();
  res.cookie(BROWSER_COOKIE, id, {
    httpOnly: true,
    secure,
    sameSite: 'lax',
    path: COOKIE_PATH,
    maxAge: MAX_AGE_SECONDS * 1000,
  });
  return id;
}

export function browserIdOf(req: Request): string | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === BROWSER_COOKIE) {
      const value = rest.join('=');
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
    }
  }
  return null;
}
