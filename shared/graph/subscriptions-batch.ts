/**
 * Renewal of many subscriptions at once: one `$batch` (at most 20 requests, graph-facts) per 20
 * renewals, each inner PATCH answered on its own. A failed inner request is that subscription's
 * result (mapped like a top-level answer: 404 gone, 429 throttled…); only a failure of the batch
 * itself rejects.
 */
import { GraphRequestError, type GraphFailure } from './graph-error-types.js';
import { fromResponse } from './graph-errors.js';
import type { GraphConnection, GraphSubscription } from './graph-types.js';
import { seg, type GraphTransport } from './graph-transport.js';
import { mapSubscription } from './map-event.js';

/** Graph's limit of requests in one `$batch`. */
export const MAX_BATCH_REQUESTS = 20;

export interface SubscriptionRenewalRequest {
  id: string;
  expirationDateTime: Date;
}

export type SubscriptionRenewal = { id: string; subscription: GraphSubscription } | { id: string; error: GraphFailure };

interface BatchAnswer {
  id?: unknown;
  status?: unknown;
  headers?: Record<string, string>;
  body?: unknown;
}

export async function renewSubscriptions(
  t: GraphTransport,
  conn: GraphConnection,
  renewals: readonly SubscriptionRenewalRequest[],
): Promise<SubscriptionRenewal[]> {
  const out: SubscriptionRenewal[] = [];
  for (let i = 0; i < renewals.length; i += MAX_BATCH_REQUESTS)
    out.push(...(await renewSlice(t, conn, renewals.slice(i, i + MAX_BATCH_REQUESTS))));
  return out;
}

async function renewSlice(
  t: GraphTransport,
  conn: GraphConnection,
  slice: readonly SubscriptionRenewalRequest[],
): Promise<SubscriptionRenewal[]> {
  const requests = slice.map((r, i) => ({
    id: String(i + 1),
    method: 'PATCH',
    url: `/subscriptions/${seg(r.id)}`,
    headers: { 'Content-Type': 'application/json' },
    body: { expirationDateTime: r.expirationDateTime.toISOString() },
  }));
  const res = await t.send(conn, { method: 'POST', path: '/$batch', body: { requests } });
  const answers = (res.body as { responses?: BatchAnswer[] } | null)?.responses;
  if (!Array.isArray(answers)) throw new GraphRequestError('Microsoft Graph answered a $batch without responses');
  const byId = new Map(answers.map((a) => [String(a.id), a]));
  return slice.map((r, i) => renewalOf(r.id, byId.get(String(i + 1))));
}

function renewalOf(id: string, answer: BatchAnswer | undefined): SubscriptionRenewal {
  if (!answer || typeof answer.status !== 'number')
    return { id, error: new GraphRequestError('Microsoft Graph left a renewal out of its $batch answer') };
  if (answer.status < 200 || answer.status >= 300) {
    return {
      id,
      error: fromResponse(
        { status: answer.status, headers: answer.headers ?? null, body: answer.body },
        { operation: 'PATCH /subscriptions' },
      ),
    };
  }
  const subscription =
    answer.body && typeof answer.body === 'object' ? mapSubscription(answer.body as Record<string, unknown>) : null;
  return subscription
    ? { id, subscription }
    : { id, error: new GraphRequestError('Microsoft Graph sent no subscription') };
}
