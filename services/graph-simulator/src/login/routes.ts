/** Login host routes (Entra v2.0 endpoints). */
import type { SimContext } from '../context.js';
import type { Router } from '../http/router.js';
import type { SimResponse } from '../http/types.js';
import { authorizeEndpoint } from './authorize.js';
import { jwks, openIdConfiguration } from './discovery.js';
import { tokenEndpoint } from './token.js';

export function addLoginRoutes(router: Router, ctx: SimContext): void {
  router.add('GET', '/{tenant}/v2.0/.well-known/openid-configuration', (req) => openIdConfiguration(ctx, req));
  router.add('GET', '/{tenant}/discovery/v2.0/keys', () => jwks(ctx));
  router.add('POST', '/{tenant}/oauth2/v2.0/token', (req) => tokenEndpoint(ctx, req));
  router.add('GET', '/{tenant}/oauth2/v2.0/authorize', (req) => authorizeEndpoint(ctx, req));
  router.add('GET', '/{tenant}/oauth2/v2.0/logout', (req): SimResponse => {
    const target = req.query.get('post_logout_redirect_uri');
    return target
      ? { status: 302, headers: { location: target }, body: '' }
      : { status: 200, headers: { 'content-type': 'text/html' }, body: 'Signed out' };
  });
}
