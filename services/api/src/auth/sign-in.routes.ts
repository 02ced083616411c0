/**
 * The browser's side of sign-in, unauthenticated (contract.md): `GET /auth/{id}/login` sends the
 * browser to Microsoft, `GET /auth/callback` (the Redirect URI) brings it back to ONES with a
 * ticket. Both answer HTML: a redirect, or a failure page.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Logger } from '@ones-m365/shared/logging';
import { SignInFailure, signInFailures } from '@ones-m365/shared/sso';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { browserIdFor, browserIdOf } from './browser-binding.js';
import type { SignInService } from './sign-in.service.js';
import { sendFailurePage, setPageHeaders } from './sign-in-page.js';

const TAG = 'sign-in';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Documented here; read by the handlers, which answer bad values with an HTML page.
const loginQuery = z.object({
  returnTo: z.any().optional().describe('the ONES page to return to, on an allowed origin'),
});
const callbackQuery = z.object({
  code: z.any().optional(),
  state: z.any().optional(),
  error: z.any().optional(),
  error_description: z.any().optional(),
});

export function signInRoutes(deps: { service: SignInService; logger: Logger; secureCookies: boolean }): AnyRoute[] {
  const { service } = deps;
  const page = async (res: Response, step: () => Promise<string>) => {
    try {
      const location = await step();
      setPageHeaders(res);
      res.redirect(302, location);
    } catch (err) {
      sendFailurePage(res, failureOf(err, deps.logger).info, { redirectUri: service.redirectUri });
    }
  };
  return [
    defineRoute({
      method: 'get',
      path: '/auth/:id/login',
      tag: TAG,
      summary: "Start Sign in with Microsoft (302 to the tenant's login page)",
      query: loginQuery,
      responseType: 'text/html',
      responses: {
        302: 'To Microsoft: code flow, PKCE S256, state, nonce',
        400: 'HTML page: sign-in off, or returnTo not on an allowed origin',
        404: 'HTML page: no such integration',
      },
      handler: ({ req }, res) =>
        page(res, async () => {
          const id = String(req.params.id ?? '');
          const returnTo = req.query.returnTo;
          const bad = [
            ...(UUID.test(id) ? [] : ['params.id: must be an integration id']),
            ...(typeof returnTo === 'string' && returnTo ? [] : ['query.returnTo: must be one URL']),
          ];
          if (bad.length) throw signInFailures.badRequest(bad);
          return await service.start(id, returnTo as string, browserIdFor(req, res, deps.secureCookies));
        }),
    }),
    defineRoute({
      method: 'get',
      path: '/auth/callback',
      tag: TAG,
      summary: 'The Redirect URI: Microsoft sends the browser back here',
      query: callbackQuery,
      responseType: 'text/html',
      responses: {
        302: 'To returnTo with ?ticket=<one-time ticket>',
        400: "HTML page: unknown or used state, Microsoft's error (with the portal step)",
        403: 'HTML page: foreign tenant, unknown or deactivated user',
      },
      handler: ({ req }, res) => page(res, () => service.complete(callbackParams(req), browserIdOf(req))),
    }),
  ];
}

function callbackParams(req: Request) {
  const one = (name: string): string | undefined => (typeof req.query[name] === 'string' ? req.query[name] : undefined);
  return {
    ...(one('state') ? { state: one('state') } : {}),
    ...(one('code') ? { code: one('code') } : {}),
    ...(one('error') ? { error: one('error') } : {}),
    ...(one('error_description') ? { errorDescription: one('error_description') } : {}),
  };
}

function failureOf(err: unknown, logger: Logger): SignInFailure {
  if (err instanceof SignInFailure) return err;
  logger.error('sign-in failed unexpectedly', { error: (err as Error).message });
  return new SignInFailure({
    code: 'unavailable',
    status: 503,
    title: 'Sign-in is unavailable',
    message: 'Sign-in cannot be completed right now. Try again in a moment.',
  });
}
