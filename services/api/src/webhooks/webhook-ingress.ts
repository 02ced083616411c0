/**
 * What a notification POST does once parsed: check each notification against the cached
 * subscription (known id, clientState by SHA-256 in constant time, tenant), then ask for one
 * coalesced delta run per stream, or queue the lifecycle event. Resolves once Redis acknowledged
 * everything the batch needs; rejects (→ 503, Graph redelivers) if it could not. A notification
 * of a subscription whose stream this version does not sync (a retired kind, a row written by a
 * newer version) is logged and ignored like a forged one: redelivering it would not help.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { sameLengthConstantTimeEqual } from '@ones-m365/shared/crypto';
import type { Logger } from '@ones-m365/shared/logging';
import { LIFECYCLE_EVENTS, type LifecycleEvent, type Producer } from '@ones-m365/shared/queue';
import { requestSync, type StreamKey, type SyncRequestDeps } from '@ones-m365/shared/sync';
import type { Metrics } from '../metrics.js';
import { DeltaCoalescer } from './delta-coalescer.js';
import type { IncomingNotification } from './notification-batch.js';
import type { CachedSubscription, SubscriptionCache } from './subscription-cache.js';

export type RejectReason =
  'unknown_subscription' | 'bad_client_state' | 'wrong_tenant' | 'unknown_lifecycle_event' | 'unknown_stream';

export interface WebhookIngressDeps extends SyncRequestDeps {
  cache: Pick<SubscriptionCache, 'get' | 'peek'>;
  producer: Pick<Producer, 'enqueue'>;
  metrics: Pick<Metrics, 'webhookNotifications'>;
  logger: Logger;
  coalesceWindowMs?: number;
}

const KEY_SEP = '\n';

interface Rejection {
  count: number;
  subscriptionIds: Set<string>;
  integrationIds: Set<string>;
}
type Rejections = Map<RejectReason, Rejection>;

/**
 * Constant-time clientState check. The first match is checked by SHA-256 against the stored hash
 * (timingSafeEqual); the value that matched is then kept in memory (never stored or logged) so the
 * rest of a burst is compared with it directly, without a hash or an allocation per notification.
 */
function clientStateMatches(sub: CachedSubscription, clientState: string | null): boolean {
  if (clientState === null) return false;
  if (sub.acceptedClientState !== undefined && sub.acceptedClientState.length === clientState.length)
    return sameLengthConstantTimeEqual(clientState, sub.acceptedClientState);
  if (sub.clientStateHash.length !== 32) return false;
  const ok = timingSafeEqual(createHash('sha256').update(clientState, 'utf8').digest(), sub.clientStateHash);
  if (ok) sub.acceptedClientState = clientState;
  return ok;
}

export class WebhookIngress {
  readonly coalescer: DeltaCoalescer;

  constructor(private readonly deps: WebhookIngressDeps) {
    this.coalescer = new DeltaCoalescer({
      windowMs: deps.coalesceWindowMs,
      send: async (key) => {
        const [integrationId, stream] = key.split(KEY_SEP) as [string, StreamKey];
        await requestSync(deps, { integrationId, stream, mode: 'delta', trigger: 'webhook' });
      },
      onTrailingError: (key, err) =>
        deps.logger.warn('trailing delta request failed, retrying', {
          integrationId: key.split(KEY_SEP)[0],
          error: (err as Error).message,
        }),
    });
  }

  async handle(batch: IncomingNotification[]): Promise<void> {
    const pending = new Map<string, Promise<unknown>>();
    let accepted = 0;
    const rejected: Rejections = new Map();
    for (const n of batch) {
      const peeked = this.deps.cache.peek(n.subscriptionId);
      let sub: CachedSubscription | undefined;
      try {
        sub = peeked === false ? await this.deps.cache.get(n.subscriptionId) : peeked;
      } catch (err) {
        // The batch is answered 503; requests already started for it must not reject unhandled.
        for (const p of pending.values()) p.catch(() => undefined);
        throw err;
      }
      const reason = this.check(n, sub);
      if (reason) {
        this.countRejected(rejected, reason, n, sub);
        continue;
      }
      if (n.lifecycleEvent) {
        const event = n.lifecycleEvent as LifecycleEvent;
        const key = `lifecycle:${n.subscriptionId}:${event}`;
        if (!pending.has(key)) pending.set(key, this.enqueueLifecycle(n.subscriptionId, event, key));
        this.deps.metrics.webhookNotifications.inc({ outcome: 'lifecycle' });
        continue;
      }
      if (sub!.stream === null) {
        this.countRejected(rejected, 'unknown_stream', n, sub);
        continue;
      }
      const key = sub!.integrationId + KEY_SEP + sub!.stream;
      accepted++;
      if (!pending.has(key)) pending.set(key, this.coalescer.request(key));
    }
    for (const [reason, r] of rejected) this.reject(reason, r);
    try {
      await Promise.all(pending.values());
    } catch (err) {
      this.deps.metrics.webhookNotifications.inc({ outcome: 'unavailable' }, batch.length);
      throw err;
    }
    if (accepted) this.deps.metrics.webhookNotifications.inc({ outcome: 'accepted' }, accepted);
  }

  /** Graceful stop: sends the delta requests owed to notifications answered from the memo. */
  flush(): Promise<void> {
    return this.coalescer.flush();
  }

  private check(n: IncomingNotification, sub: CachedSubscription | undefined): RejectReason | null {
    if (!sub) return 'unknown_subscription';
    if (!clientStateMatches(sub, n.clientState)) return 'bad_client_state';
    // Null only while the GUID of a tenant entered as a domain is not learned yet (it is, before
    // the first subscription is made); the clientState (256 random bits) is then the check.
    if (sub.tenantId !== null && (n.tenantId === null || n.tenantId.toLowerCase() !== sub.tenantId))
      return 'wrong_tenant';
    if (n.lifecycleEvent && !LIFECYCLE_EVENTS.includes(n.lifecycleEvent as LifecycleEvent))
      return 'unknown_lifecycle_event';
    return null;
  }

  private countRejected(
    rejected: Rejections,
    reason: RejectReason,
    n: IncomingNotification,
    sub: CachedSubscription | undefined,
  ): void {
    const r = rejected.get(reason) ?? {
      count: 0,
      subscriptionIds: new Set<string>(),
      integrationIds: new Set<string>(),
    };
    rejected.set(reason, r);
    r.count++;
    if (r.subscriptionIds.size < 5) r.subscriptionIds.add(n.subscriptionId.slice(0, 64));
    if (sub) r.integrationIds.add(sub.integrationId);
  }

  /** Once per batch and reason, with a few subscription ids: never the clientState or tenant sent. */
  private reject(reason: RejectReason, r: Rejection): void {
    this.deps.metrics.webhookNotifications.inc({ outcome: reason }, r.count);
    this.deps.logger.warn('webhook notifications ignored', {
      reason,
      count: r.count,
      subscriptionIds: [...r.subscriptionIds],
      integrationIds: [...r.integrationIds],
    });
  }

  private async enqueueLifecycle(subscriptionId: string, event: LifecycleEvent, key: string): Promise<void> {
    // While one is queued, the same event again is a duplicate (BullMQ deduplication).
    await this.deps.producer.enqueue(
      'subscriptions.lifecycle',
      { subscriptionId, event },
      { deduplication: { id: key } },
    );
  }
}
