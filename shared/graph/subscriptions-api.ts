/** Change-notification subscriptions (graph-facts §6). */
import { GraphRequestError } from './graph-error-types.js';
import type { CreateSubscriptionInput, GraphConnection, GraphSubscription } from './graph-types.js';
import { seg, type GraphTransport } from './graph-transport.js';
import { mapSubscription } from './map-event.js';
import { readPage } from './paging.js';

const MAX_LIST_PAGES = 100;

export async function createSubscription(
  t: GraphTransport,
  conn: GraphConnection,
  input: CreateSubscriptionInput,
): Promise<GraphSubscription> {
  const body: Record<string, unknown> = {
    changeType: Array.isArray(input.changeType) ? input.changeType.join(',') : input.changeType,
    notificationUrl: input.notificationUrl,
    resource: input.resource,
    expirationDateTime: iso(input.expirationDateTime),
    clientState: input.clientState,
  };
  if (input.lifecycleNotificationUrl) body.lifecycleNotificationUrl = input.lifecycleNotificationUrl;
  if (input.latestSupportedTlsVersion) body.latestSupportedTlsVersion = input.latestSupportedTlsVersion;
  const res = await t.send(conn, { method: 'POST', path: '/subscriptions', body });
  return one(res.body);
}

export async function getSubscription(
  t: GraphTransport,
  conn: GraphConnection,
  id: string,
): Promise<GraphSubscription> {
  const res = await t.send(conn, { method: 'GET', path: `/subscriptions/${seg(id)}` });
  return one(res.body);
}

export async function listSubscriptions(t: GraphTransport, conn: GraphConnection): Promise<GraphSubscription[]> {
  const out: GraphSubscription[] = [];
  let link: string | undefined;
  for (let i = 0; i < MAX_LIST_PAGES; i++) {
    const res = await t.send(conn, { method: 'GET', path: link ?? '/subscriptions' });
    const page = readPage(res.body, 'GET /subscriptions');
    for (const raw of page.value) {
      const s = mapSubscription(raw);
      if (s) out.push(s);
    }
    link = page.nextLink;
    if (!link) return out;
  }
  return out;
}

export async function renewSubscription(
  t: GraphTransport,
  conn: GraphConnection,
  id: string,
  expirationDateTime: Date | string,
): Promise<GraphSubscription> {
  const res = await t.send(conn, {
    method: 'PATCH',
    path: `/subscriptions/${seg(id)}`,
    body: { expirationDateTime: iso(expirationDateTime) },
  });
  return one(res.body);
}

export async function reauthorizeSubscription(t: GraphTransport, conn: GraphConnection, id: string): Promise<void> {
  await t.send(conn, { method: 'POST', path: `/subscriptions/${seg(id)}/reauthorize` });
}

export async function deleteSubscription(t: GraphTransport, conn: GraphConnection, id: string): Promise<void> {
  await t.send(conn, { method: 'DELETE', path: `/subscriptions/${seg(id)}` });
}

function one(body: unknown): GraphSubscription {
  const s = body && typeof body === 'object' ? mapSubscription(body as Record<string, unknown>) : null;
  if (!s) throw new GraphRequestError('Microsoft Graph sent no subscription');
  return s;
}

function iso(v: Date | string): string {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new GraphRequestError('Invalid expirationDateTime');
  return d.toISOString();
}
