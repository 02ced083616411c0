/**
 * The express app factory (no `listen` here): routes, authentication, validation, metrics,
 * the dashboard and one error handler. Everything it talks to is passed in.
 */
import express, { Router, type Express } from 'express';
import type { RedisClient } from '@ones-m365/shared/queue';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '@ones-m365/shared/crypto';
import {
  BookingRepository,
  createRepositories,
  EventDeliveryRepository,
  EventRepository,
  GraphSubscriptionRepository,
  GroupRepository,
  IntegrationRepository,
  RoomRepository,
  SyncRunRepository,
  SyncRunSummaryRepository,
  UserRepository,
  writeIntegration,
} from '@ones-m365/shared/db';
import type { GraphClient } from '@ones-m365/shared/graph';
import type { Logger } from '@ones-m365/shared/logging';
import { OperationsReader } from '@ones-m365/shared/operations';
import { Outbox } from '@ones-m365/shared/outbox';
import type { Producer } from '@ones-m365/shared/queue';
import type { SignInClient } from '@ones-m365/shared/sso';
import { createCoordination } from '@ones-m365/shared/sync';
import { routerOf, signInModule } from './auth/sign-in.module.js';
import { dashboardRouter } from './dashboard.js';
import { buildOpenApi } from './http/openapi.js';
import { mountRoutes, type AnyRoute } from './http/route.js';
import type { Metrics } from './metrics.js';
import { basicAuth, bearerAuth } from './middleware/auth.js';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { groupsRoutes } from './routes/groups.routes.js';
import { healthRouter } from './routes/health.routes.js';
import { integrationHealthRoutes } from './routes/integration-health.routes.js';
import { integrationsRoutes } from './routes/integrations.routes.js';
import { jobsRoutes } from './routes/jobs.routes.js';
import { subscriptionsRoutes } from './routes/subscriptions.routes.js';
import { syncRoutes } from './routes/sync.routes.js';
import { IntegrationLifecycle } from './services/integration-lifecycle.service.js';
import { IntegrationsService } from './services/integrations.service.js';
import { SubscriptionCache } from './webhooks/subscription-cache.js';
import { WebhookIngress } from './webhooks/webhook-ingress.js';
import { webhookRoutes, webhooksRouter } from './webhooks/webhooks.routes.js';
import { bookingPolicyRoutes } from './routes/booking-policy.routes.js';
import { bookingRoutes } from './routes/bookings.routes.js';
import { eventRoutes } from './routes/events.routes.js';
import { OnesBookingsService } from './services/ones-bookings.service.js';

export interface AppDeps {
  config: {
    apiToken: string;
    dashboard: { user: string; password: string };
    bodyLimit: string;
    allowCustomEndpoints: boolean;
    publicBaseUrl: string;
    /** `{QUEUE_PREFIX}`: the producer's queues and every coordination key live under it. */
    keyPrefix: string;
    /** EVENTS_WEBHOOK_URL (the health check says whether events are pushed); the worker delivers them. */
    eventsWebhook?: { url: string } | null;
    /** The room's stream lease while a booking made in ONES is written (WORKER_LOCK_DURATION_MS's lease). */
    lockLeaseMs?: number;
  };
  logger: Logger;
  db: DataSource;
  /** The producer's Redis connection (fails fast), also used by /readyz and for coordination. */
  redis: RedisClient;
  producer: Producer;
  metrics: Metrics;
  graph: GraphClient;
  /** MSAL's authorization-code flow and the tenants' signing keys ("Sign in with Microsoft"). */
  signIn: SignInClient;
  secretBox: SecretBox;
  /**
   * A Redis connection of its own that the api puts in subscriber mode, to hear that Graph
   * subscriptions changed (webhook cache invalidation). Without it the cached table is only
   * reloaded on its TTL and on unknown ids.
   */
  events?: RedisClient;
}

export const API_PREFIX = '/api/v1';
export const DASHBOARD_PATH = '/admin/queues';

/** The app, and what its orderly stop must do once the server no longer takes requests. */
export type ApiApp = Express & { flushWebhooks(): Promise<void> };

export function createApp(deps: AppDeps): ApiApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const end = deps.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      end({
        route: typeof routePath === 'string' ? `${req.baseUrl}${routePath}` : 'unmatched',
        status: String(res.statusCode),
      });
    });
    next();
  });

  app.use(healthRouter({ db: deps.db, redis: deps.redis }));
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  const coordination = createCoordination(deps.redis, deps.config.keyPrefix);
  const syncDeps = { producer: deps.producer, coordination };
  const subscriptions = new GraphSubscriptionRepository(deps.db);
  const operations = new OperationsReader(deps.redis, deps.config.keyPrefix);
  const subscriptionCache = new SubscriptionCache({
    load: () => subscriptions.listForWebhookCheck(),
    logger: deps.logger,
  });
  if (deps.events) {
    subscriptionCache
      .listen(deps.events, coordination.subscriptionsChannel)
      .catch((err: Error) => deps.logger.warn('subscription change channel unavailable', { error: err.message }));
  }
  const ingress = new WebhookIngress({
    cache: subscriptionCache,
    producer: deps.producer,
    coordination,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  const hooks = webhookRoutes({ ingress });
  // Graph's webhooks: unauthenticated, before the bearer-auth API, with their own body limit.
  app.use(webhooksRouter(hooks));

  app.use(
    DASHBOARD_PATH,
    basicAuth(deps.config.dashboard.user, deps.config.dashboard.password),
    dashboardRouter(deps.producer, DASHBOARD_PATH),
  );

  const groups = new GroupRepository(deps.db);
  const repositories = createRepositories(deps.db);
  const rooms = new RoomRepository(deps.db);
  const outbox = new Outbox(deps.db, syncDeps, deps.logger);
  const integrations = new IntegrationsService({
    integrations: new IntegrationRepository(deps.db),
    groups,
    graph: deps.graph,
    secretBox: deps.secretBox,
    logger: deps.logger,
    config: deps.config,
    outbox,
  });
  const lifecycle = new IntegrationLifecycle({ outbox, graph: deps.graph, logger: deps.logger });
  const signIn = signInModule({
    db: deps.db,
    redis: deps.redis,
    keyPrefix: deps.config.keyPrefix,
    client: deps.signIn,
    secretBox: deps.secretBox,
    logger: deps.logger,
    config: deps.config,
  });
  // The browser's sign-in pages, and the login options ONES's login page reads: unauthenticated.
  app.use(routerOf(signIn.pages));
  app.use(API_PREFIX, routerOf(signIn.publicApi));
  const apiRoutes: AnyRoute[] = [
    ...signIn.api,
    ...integrationsRoutes({ service: integrations, lifecycle }),
    ...groupsRoutes({ groups }),
    ...jobsRoutes({ producer: deps.producer }),
    ...subscriptionsRoutes({ integrations: new IntegrationRepository(deps.db), subscriptions, lifecycle }),
    ...integrationHealthRoutes({
      integrations: new IntegrationRepository(deps.db),
      runs: new SyncRunSummaryRepository(deps.db),
      subscriptions,
      operations,
      producer: deps.producer,
      secretBox: deps.secretBox,
      events: new EventRepository(deps.db),
      deliveries: new EventDeliveryRepository(deps.db),
      eventsWebhook: Boolean(deps.config.eventsWebhook),
    }),
    ...syncRoutes({
      ...syncDeps,
      integrations: new IntegrationRepository(deps.db),
      rooms,
      users: new UserRepository(deps.db),
      syncRuns: new SyncRunRepository(deps.db),
      underLock: (id, fn) => writeIntegration(deps.db, id, fn),
    }),
    ...bookingRoutes({
      integrations: new IntegrationRepository(deps.db),
      rooms,
      bookings: new BookingRepository(deps.db),
      ones: new OnesBookingsService({
        ...repositories,
        graph: deps.graph,
        coordination,
        producer: deps.producer,
        secretBox: deps.secretBox,
        lockLeaseMs: deps.config.lockLeaseMs ?? 30_000,
      }),
    }),
    ...bookingPolicyRoutes({ ...repositories, producer: deps.producer }),
    ...eventRoutes({ events: new EventRepository(deps.db) }),
  ];
  const openapi = buildOpenApi(
    [
      { prefix: API_PREFIX, routes: apiRoutes, security: 'bearer' },
      { prefix: '', routes: hooks, security: 'none' },
      { prefix: API_PREFIX, routes: signIn.publicApi, security: 'none' },
      { prefix: '', routes: signIn.pages, security: 'none' },
    ],
    { title: 'ones-m365', version: '1' },
  );

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
  return Object.assign(app, { flushWebhooks: () => ingress.flush() });
}
