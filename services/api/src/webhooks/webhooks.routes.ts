/**
 * The unauthenticated Graph webhook endpoints (contract.md): change notifications and lifecycle
 * notifications, each also answering Graph's validation handshake. Mounted before the bearer-auth
 * API, with their own body limit. Graph is the caller: answers are 200 (handshake), 202
 * (accepted, or ignored without saying why), 400 (not a notification batch), 413, 415, 503.
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ValidationError, withinDeadline } from '@ones-m365/shared/errors';
import { defineRoute, mountRoutes, type AnyRoute } from '../http/route.js';
import { readBatch, validationTokenOf } from './notification-batch.js';
import type { WebhookIngress } from './webhook-ingress.js';

/** Graph's batches are far smaller; rich notifications (encrypted content) are not used. */
export const WEBHOOK_BODY_LIMIT = '256kb';
const MAX_TOKEN_LENGTH = 1_024;
/**
 * Graph counts an answer after 2,900 ms as slow and throttles, then drops, slow endpoints: a batch
 * that could not be queued within this budget (Redis or the database hanging) is answered 503 so
 * Graph redelivers, rather than late. Work finishing after it only makes the redelivery a duplicate.
 */
const ANSWER_BUDGET_MS = 2_000;

const withinBudget = (work: Promise<void>): Promise<void> =>
  withinDeadline(work, ANSWER_BUDGET_MS, 'webhook answer budget exceeded');
const TAG = 'webhooks';

export const WEBHOOK_PATHS = {
  notifications: '/webhooks/graph/notifications',
  lifecycle: '/webhooks/graph/lifecycle',
} as const;

function handshake(res: Response, token: string): void {
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new ValidationError('Invalid request: query.validationToken', [
      { field: 'query.validationToken', message: `must be at most ${MAX_TOKEN_LENGTH} characters` },
    ]);
  }
  // The token as plain text and nothing else: never HTML, never sniffed as such.
  res
    .status(200)
    .set({
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    })
    .send(token);
}

export function webhookRoutes(deps: { ingress: WebhookIngress }): AnyRoute[] {
  const handle = async (req: Request, res: Response) => {
    const token = validationTokenOf(req.originalUrl);
    if (token !== null) return handshake(res, token);
    const batch = readBatch(req.body);
    try {
      await withinBudget(deps.ingress.handle(batch));
    } catch {
      // Not acknowledged by Redis (or the subscription table could not be read): Graph retries.
      res
        .status(503)
        .set('Retry-After', '5')
        .json({ error: { code: 'service_unavailable', message: 'Notifications could not be queued; retry later' } });
      return;
    }
    res.status(202).end();
  };
  const query = z.object({
    validationToken: z.string().optional().describe('Graph validation handshake: echoed as text/plain'),
  });
  const responses = {
    200: 'Validation handshake: the URL-decoded validationToken as text/plain',
    202: 'Accepted (a delta run of each stream is queued); unknown or forged notifications are ignored',
    400: 'Not a Graph notification batch: not JSON, an unreadable (corrupt compressed) body, or a validationToken over 1,024 characters',
    413: 'Body larger than the webhook limit',
    415: 'An unknown Content-Encoding or charset',
    503: 'Could not be queued; Graph redelivers',
  };
  return [
    defineRoute({
      method: 'post',
      path: WEBHOOK_PATHS.notifications,
      tag: TAG,
      summary: 'Graph change notifications (and their validation handshake)',
      query,
      responses,
      handler: ({ req }, res) => handle(req, res),
    }),
    defineRoute({
      method: 'post',
      path: WEBHOOK_PATHS.lifecycle,
      tag: TAG,
      summary: 'Graph lifecycle notifications (and their validation handshake)',
      query,
      responses,
      handler: ({ req }, res) => handle(req, res),
    }),
  ];
}

/** The router for the webhook routes: JSON bodies up to WEBHOOK_BODY_LIMIT, none for handshakes. */
export function webhooksRouter(routes: AnyRoute[]): Router {
  const router = Router();
  const isHandshake = (req: Request) => validationTokenOf(req.originalUrl ?? req.url ?? '') !== null;
  router.use(
    Object.values(WEBHOOK_PATHS),
    express.json({
      limit: WEBHOOK_BODY_LIMIT,
      strict: true,
      type: (req) => !isHandshake(req as Request) && /\bjson\b/i.test(String(req.headers['content-type'] ?? '')),
    }),
  );
  mountRoutes(router, routes);
  return router;
}
