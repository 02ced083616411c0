/**
 * The two apps the ingress is measured against, side by side: the real webhook router (parse,
 * validate, check against the cached subscription table, coalesce, Redis) over a real Redis, and a
 * bare express handler that parses the same body and answers 202.
 */
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { createMetrics } from '@ones-m365/api';
import { sha256Hex } from '@ones-m365/shared/crypto';
import type { SubscriptionCheckRow } from '@ones-m365/shared/db';
import { silentLogger } from '@ones-m365/shared/logging';
import type { SyncRequestDeps } from '@ones-m365/shared/sync';
import { errorHandler } from '../../services/api/src/middleware/error-handler.js';
import { SubscriptionCache } from '../../services/api/src/webhooks/subscription-cache.js';
import { WebhookIngress } from '../../services/api/src/webhooks/webhook-ingress.js';
import {
  WEBHOOK_BODY_LIMIT,
  WEBHOOK_PATHS,
  webhookRoutes,
  webhooksRouter,
} from '../../services/api/src/webhooks/webhooks.routes.js';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

async function listen(app: express.Express): Promise<Listening> {
  const server: Server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export interface FakeTenant {
  rows: SubscriptionCheckRow[];
  clientStates: string[];
  tenantId: string;
}

/** `integrations` subscriptions (one per integration), with their clientStates. */
export function fakeTenant(integrations: number): FakeTenant {
  const tenantId = randomUUID();
  const clientStates = Array.from({ length: integrations }, () => randomBytes(32).toString('base64url'));
  const rows = clientStates.map((cs) => ({
    graphSubscriptionId: randomUUID(),
    integrationId: randomUUID(),
    stream: 'users',
    clientStateHash: sha256Hex(cs),
    tenantId,
  }));
  return { rows, clientStates, tenantId };
}

/** A realistic changeNotificationCollection of `size` items over the tenant's subscriptions. */
export function batchBody(t: FakeTenant, size: number): string {
  const value = Array.from({ length: size }, (_, i) => {
    const k = i % t.rows.length;
    const userId = randomUUID();
    return {
      subscriptionId: t.rows[k]!.graphSubscriptionId,
      subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
      changeType: 'updated',
      resource: `Users/${userId}`,
      clientState: t.clientStates[k],
      tenantId: t.tenantId,
      resourceData: {
        '@odata.type': '#Microsoft.Graph.User',
        '@odata.id': `Users/${userId}`,
        id: userId,
        organizationId: t.tenantId,
        sequenceNumber: 1,
      },
    };
  });
  return JSON.stringify({ value });
}

export async function startIngressApp(t: FakeTenant, sync: SyncRequestDeps): Promise<Listening & { sent(): number }> {
  const logger = silentLogger();
  const cache = new SubscriptionCache({ load: async () => t.rows, logger });
  const ingress = new WebhookIngress({ cache, ...sync, metrics: createMetrics(), logger });
  const app = express();
  app.use(webhooksRouter(webhookRoutes({ ingress })));
  app.use(errorHandler(logger));
  const l = await listen(app);
  return { ...l, sent: () => ingress.coalescer.sent };
}

export async function startBareApp(): Promise<Listening> {
  const app = express();
  app.post(WEBHOOK_PATHS.notifications, express.json({ limit: WEBHOOK_BODY_LIMIT }), (_req, res) => {
    res.status(202).end();
  });
  return await listen(app);
}
