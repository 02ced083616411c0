/**
 * The express app factory (no `listen` here): routes, authentication, validation, metrics,
 * the dashboard and one error handler. Everything it talks to is passed in.
 */
import express, { Router, type Express } from 'express';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '@ones-m365/shared/crypto';
import { GroupRepository, IntegrationRepository } from '@ones-m365/shared/db';
import type { GraphClient } from '@ones-m365/shared/graph';
import type { Logger } from '@ones-m365/shared/logging';
import type { Producer } from '@ones-m365/shared/queue';
import { dashboardRouter } from './dashboard.js';
import { buildOpenApi } from './http/openapi.js';
import { mountRoutes, type AnyRoute } from './http/route.js';
import type { Metrics } from './metrics.js';
import { basicAuth, bearerAuth } from './middleware/auth.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { groupsRoutes } from './routes/groups.routes.js';
import { healthRouter } from './routes/health.routes.js';
import { integrationsRoutes } from './routes/integrations.routes.js';
import { jobsRoutes } from './routes/jobs.routes.js';
import { IntegrationsService } from './services/integrations.service.js';

export interface AppDeps {
  config: {
    apiToken: string;
    dashboard: { user: string; password: string };
    bodyLimit: string;
    allowCustomEndpoints: boolean;
    publicBaseUrl: string;
  };
  logger: Logger;
  db: DataSource;
  /** The producer's Redis connection (fails fast), also used by /readyz. */
  redis: Redis;
  producer: Producer;
  metrics: Metrics;
  graph: GraphClient;
  secretBox: SecretBox;
}

export const API_PREFIX = '/api/v1';
export const DASHBOARD_PATH = '/admin/queues';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const end = deps.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched', status: String(res.statusCode) }));
    next();
  });

  app.use(healthRouter({ db: deps.db, redis: deps.redis }));
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.use(DASHBOARD_PATH, basicAuth(deps.config.dashboard.user, deps.config.dashboard.password), dashboardRouter(deps.producer, DASHBOARD_PATH));

  const groups = new GroupRepository(deps.db);
  const integrations = new IntegrationsService({
    integrations: new IntegrationRepository(deps.db), groups, graph: deps.graph, secretBox: deps.secretBox, logger: deps.logger, config: deps.config,
  });
  const apiRoutes: AnyRoute[] = [
    ...integrationsRoutes({ service: integrations }),
    ...groupsRoutes({ groups }),
    ...jobsRoutes({ producer: deps.producer }),
  ];
  const openapi = buildOpenApi([{ prefix: API_PREFIX, routes: apiRoutes, security: 'bearer' }], { title: 'ones-m365', version: '1' });

  const api = Router();
  api.use(bearerAuth(deps.config.apiToken));
  api.use(express.json({ limit: deps.config.bodyLimit, strict: true }));
  api.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  mountRoutes(api, apiRoutes);
  app.use(API_PREFIX, api);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
