/**
 * Change and lifecycle notifications: matched to subscriptions when the tenant changes, batched
 * per notification URL over a short window, POSTed, and retried with exponential backoff for a
 * bounded time when the endpoint fails (non-2xx, error or slower than the timeout).
 */
import type { Faults } from '../faults/faults.js';
import type { Settings } from '../settings.js';
import type { ChangeEntry } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';
import type { Poster } from './post.js';
import type { SubscriptionRecord, SubscriptionStore } from './subscription-store.js';

export type NotificationItem = Record<string, unknown>;

export interface DeliveryRecord {
  at: string;
  url: string;
  kind: 'change' | 'lifecycle';
  attempt: number;
  /** HTTP status, or null when the endpoint errored or timed out. */
  status: number | null;
  ok: boolean;
  error?: string;
  durationMs: number;
  /** 'delivered', 'failed' (will retry), 'gaveUp' */
  outcome: 'delivered' | 'failed' | 'gaveUp';
  value: NotificationItem[];
}

const LOG_LIMIT = 5_000;

export class Notifier {
  private readonly batches = new Map<
    string,
    { kind: DeliveryRecord['kind']; items: NotificationItem[]; timer: NodeJS.Timeout }
  >();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log: DeliveryRecord[] = [];
  private closed = false;
  dropped = 0;

  constructor(
    private readonly settings: Settings,
    private readonly faults: Faults,
    private readonly subs: SubscriptionStore,
    private readonly poster: Poster,
  ) {}

  /** Tenant change listener. */
  onChange = (tenant: Tenant, change: ChangeEntry): void => {
    if (change.kind === 'user') {
      for (const s of this.subs.matching(tenant, { kind: 'user', userId: change.id }, change.changeType)) {
        this.enqueue(
          s.notificationUrl,
          'change',
          this.item(s, change.changeType, `Users/${change.id}`, {
            '@odata.type': '#Microsoft.Graph.User',
            '@odata.id': `Users/${change.id}`,
            id: change.id,
            organizationId: tenant.id,
            sequenceNumber: change.seq,
          }),
        );
      }
    } else if (change.kind === 'event' && change.roomId) {
      const ev = tenant.eventsById.get(change.id);
      for (const s of this.subs.matching(tenant, { kind: 'event', roomId: change.roomId }, change.changeType)) {
        const res = `Users/${change.roomId}/Events/${change.id}`;
        this.enqueue(
          s.notificationUrl,
          'change',
          this.item(s, change.changeType, res, {
            '@odata.type': '#Microsoft.Graph.Event',
            '@odata.id': res,
            '@odata.etag': `W/"${ev?.changeKey ?? ''}"`,
            id: change.id,
          }),
        );
      }
    }
  };

  private item(
    s: SubscriptionRecord,
    changeType: string,
    resource: string,
    resourceData: Record<string, unknown>,
  ): NotificationItem {
    return {
      subscriptionId: s.id,
      subscriptionExpirationDateTime: new Date(s.expiresAt).toISOString(),
      changeType,
      resource,
      resourceData,
      ...(s.clientState !== undefined ? { clientState: s.clientState } : {}),
      tenantId: s.tenantId,
    };
  }

  /** Sends a lifecycle event to the subscription's lifecycleNotificationUrl. */
  lifecycle(s: SubscriptionRecord, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'): void {
    if (!s.lifecycleNotificationUrl) return;
    this.enqueue(s.lifecycleNotificationUrl, 'lifecycle', {
      subscriptionId: s.id,
      subscriptionExpirationDateTime: new Date(s.expiresAt).toISOString(),
      tenantId: s.tenantId,
      ...(s.clientState !== undefined ? { clientState: s.clientState } : {}),
      lifecycleEvent: event,
    });
  }

  private enqueue(url: string, kind: DeliveryRecord['kind'], item: NotificationItem): void {
    if (this.closed) return;
    const fate = this.faults.notificationFate();
    if (fate === 'drop') {
      this.dropped++;
      return;
    }
    this.addToBatch(url, kind, item);
    if (fate === 'duplicate')
      this.later(this.settings.notificationBatchMs + 20, () => this.addToBatch(url, kind, { ...item }));
  }

  private addToBatch(url: string, kind: DeliveryRecord['kind'], item: NotificationItem): void {
    const key = `${kind} ${url}`;
    let b = this.batches.get(key);
    if (!b) {
      const timer = setTimeout(() => this.flush(key), this.settings.notificationBatchMs);
      b = { kind, items: [], timer };
      this.batches.set(key, b);
    }
    b.items.push(item);
    if (b.items.length >= this.settings.notificationBatchMax) {
      clearTimeout(b.timer);
      this.flush(key);
    }
  }

  private flush(key: string): void {
    const b = this.batches.get(key);
    if (!b) return;
    this.batches.delete(key);
    const url = key.slice(key.indexOf(' ') + 1);
    void this.send(url, b.kind, b.items, 1, Date.now());
  }

  private async send(
    url: string,
    kind: DeliveryRecord['kind'],
    items: NotificationItem[],
    attempt: number,
    firstAt: number,
  ): Promise<void> {
    if (this.closed) return;
    const r = await this.poster.post(
      url,
      JSON.stringify({ value: items }),
      'application/json; charset=utf-8',
      this.settings.notificationTimeoutMs,
    );
    if (this.closed) return;
    const ok = r.status !== null && r.status >= 200 && r.status < 300;
    const delay = Math.min(60_000, this.settings.notificationRetryBaseMs * 2 ** (attempt - 1));
    const retry = !ok && Date.now() - firstAt + delay <= this.settings.notificationRetryForMs;
    this.record({
      at: new Date().toISOString(),
      url,
      kind,
      attempt,
      status: r.status,
      ok,
      durationMs: r.durationMs,
      ...(r.error ? { error: r.error } : {}),
      outcome: ok ? 'delivered' : retry ? 'failed' : 'gaveUp',
      value: items,
    });
    if (retry) this.later(delay, () => void this.send(url, kind, items, attempt + 1, firstAt));
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private record(d: DeliveryRecord): void {
    this.log.push(d);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  deliveries(): DeliveryRecord[] {
    return this.log.slice();
  }

  clearDeliveries(): void {
    this.log.length = 0;
    this.dropped = 0;
  }

  /** Notifications waiting in a batch window or for a retry. */
  get pending(): number {
    let n = this.timers.size;
    for (const b of this.batches.values()) n += b.items.length;
    return n;
  }

  close(): void {
    this.closed = true;
    for (const b of this.batches.values()) clearTimeout(b.timer);
    this.batches.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.poster.close();
  }
}
