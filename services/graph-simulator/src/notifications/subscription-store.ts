/** Subscriptions (Graph's /subscriptions), per tenant and app. Expired ones are swept away. */
import type { Tenant } from '../tenant/tenant.js';

export type SubscriptionTarget =
  { kind: 'users' } | { kind: 'user'; userId: string } | { kind: 'events'; roomId: string };

export interface SubscriptionRecord {
  id: string;
  tenantId: string;
  appId: string;
  resource: string;
  changeType: string;
  changeTypes: Set<string>;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  /** ms since epoch */
  expiresAt: number;
  latestSupportedTlsVersion: string;
  creatorId: string;
  target: SubscriptionTarget;
}

export class SubscriptionStore {
  private readonly subs = new Map<string, SubscriptionRecord>();

  add(s: SubscriptionRecord): void {
    this.subs.set(s.id, s);
  }

  get(id: string): SubscriptionRecord | undefined {
    const s = this.subs.get(id);
    if (s && s.expiresAt <= Date.now()) {
      this.subs.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): boolean {
    return this.subs.delete(id);
  }

  /** Live subscriptions, optionally for one tenant (and app). */
  list(tenantId?: string, appId?: string): SubscriptionRecord[] {
    this.sweep();
    return [...this.subs.values()].filter(
      (s) => (!tenantId || s.tenantId === tenantId) && (!appId || s.appId === appId),
    );
  }

  /** Removes expired subscriptions; returns how many went. */
  sweep(now = Date.now()): number {
    let n = 0;
    for (const [id, s] of this.subs)
      if (s.expiresAt <= now) {
        this.subs.delete(id);
        n++;
      }
    return n;
  }

  /** Subscriptions a change in `tenant` on user `userId` (or room calendar `roomId`) should reach. */
  matching(
    tenant: Tenant,
    change: { kind: 'user'; userId: string } | { kind: 'event'; roomId: string },
    changeType: string,
  ): SubscriptionRecord[] {
    const now = Date.now();
    const out: SubscriptionRecord[] = [];
    for (const s of this.subs.values()) {
      if (s.tenantId !== tenant.id || s.expiresAt <= now || !s.changeTypes.has(changeType)) continue;
      const t = s.target;
      if (change.kind === 'user' && (t.kind === 'users' || (t.kind === 'user' && t.userId === change.userId)))
        out.push(s);
      else if (change.kind === 'event' && t.kind === 'events' && t.roomId === change.roomId) out.push(s);
    }
    return out;
  }

  get size(): number {
    return this.subs.size;
  }
}
