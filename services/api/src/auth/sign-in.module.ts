/** Wires "Sign in with Microsoft" from the app's dependencies: the service and its three route sets. */
import { Router } from 'express';
import type { RedisClient } from '@ones-m365/shared/queue';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '@ones-m365/shared/crypto';
import { IntegrationRepository } from '@ones-m365/shared/db';
import type { Logger } from '@ones-m365/shared/logging';
import { SignInStore, type SignInClient } from '@ones-m365/shared/sso';
import { mountRoutes, type AnyRoute } from '../http/route.js';
import { signedInUsers } from './signed-in-users.js';
import { signInRoutes } from './sign-in.routes.js';
import { SignInService } from './sign-in.service.js';
import { loginOptionsRoutes, redeemRoutes } from './sso.routes.js';

export interface SignInModuleDeps {
  db: DataSource;
  redis: RedisClient;
  /** Key prefix of the deployment (the queue prefix), so deployments sharing a Redis stay apart. */
  keyPrefix: string;
  client: SignInClient;
  secretBox: SecretBox;
  logger: Logger;
  config: { publicBaseUrl: string };
}

export interface SignInModule {
  /** `/auth/…`, mounted at the root, unauthenticated. */
  pages: AnyRoute[];
  /** Under /api/v1, unauthenticated. */
  publicApi: AnyRoute[];
  /** Under /api/v1, behind the bearer token. */
  api: AnyRoute[];
}

export function signInModule(deps: SignInModuleDeps): SignInModule {
  const service = new SignInService({
    integrations: new IntegrationRepository(deps.db),
    users: signedInUsers(deps.db),
    store: new SignInStore(deps.redis, deps.keyPrefix),
    client: deps.client,
    secretBox: deps.secretBox,
    logger: deps.logger,
    config: deps.config,
  });
  const secureCookies = deps.config.publicBaseUrl.startsWith('https:');
  return {
    pages: signInRoutes({ service, logger: deps.logger, secureCookies }),
    publicApi: loginOptionsRoutes({ service }),
    api: redeemRoutes({ service }),
  };
}

export function routerOf(routes: AnyRoute[]): Router {
  const router = Router();
  mountRoutes(router, routes);
  return router;
}
