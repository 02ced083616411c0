/**
 * The api's in-memory table of live subscriptions, so checking a notification costs no database
 * round trip. One query loads them all; it is reloaded
 * - when the worker announces a change (Redis pub/sub, heard by every api process),
 * - after `ttlMs` (stale-while-revalidate: requests keep using the old table meanwhile), in case an
 *   announcement was missed while the subscriber reconnected,
 * - on a miss, at most once per `missReloadMs` after the last load finished (unless a change was
 *   announced since), so a flood of unknown ids costs at most one query per interval, however
 *   slow the query.
 * Rows never change in place: a subscription is created, its expiry renewed (not cached) or it is
 * deleted; so a reload on change plus the TTL is enough.
 */
import type { RedisClient } from '@ones-m365/shared/queue';
import type { SubscriptionCheckRow } from '@ones-m365/shared/db';
import type { Logger } from '@ones-m365/shared/logging';
import { isSyncedStream, type StreamKey } from '@ones-m365/shared/sync';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CachedSubscription {
  integrationId: string;
  /** Null when the row's stream is not one this version syncs (its notifications are ignored). */
  stream: StreamKey | null;
  /** SHA-256 of the clientState, as bytes (compared with timingSafeEqual). */
  clientStateHash: Buffer;
  /** The clientState once a notification matched the hash (in memory only: see webhook-ingress). */
  acceptedClientState?: string;
  /** The stream's key in the delta memo, made once (see webhook-ingress). */
  deltaKey?: string;
  /** Lower-cased tenant GUID of the integration; null when the admin entered a domain name. */
  tenantId: string | null;
}

export interface SubscriptionCacheOptions {
  load(): Promise<SubscriptionCheckRow[]>;
  logger: Logger;
  ttlMs?: number;
  missReloadMs?: number;
  now?: () => number;
}

export class SubscriptionCache {
  private table = new Map<string, CachedSubscription>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** When the last load finished: misses within `missReloadMs` of it are answered without one. */
  private finishedAt = Number.NEGATIVE_INFINITY;
  /** Bumped by every announcement; the table is current when it was loaded at this version. */
  private version = 0;
  private loadedVersion = -1;
  private loading: Promise<void> | null = null;
  private readonly ttlMs: number;
  private readonly missReloadMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: SubscriptionCacheOptions) {
    this.ttlMs = opts.ttlMs ?? 60_000;
    this.missReloadMs = opts.missReloadMs ?? 1_000;
    this.now = opts.now ?? Date.now;
  }

  /** Listens for change announcements on `channel` (the connection is put in subscriber mode). */
  async listen(subscriber: RedisClient, channel: string): Promise<void> {
    subscriber.on('message', (ch: string) => {
      if (ch === channel) this.invalidate();
    });
    // After a reconnect ioredis re-subscribes; announcements made meanwhile are lost, so reload.
    subscriber.on('ready', () => this.invalidate());
    await subscriber.subscribe(channel);
  }

  invalidate(): void {
    this.version++;
    void this.reload().catch(() => undefined);
  }

  /**
   * The answer without waiting when the table can give it (loaded, within its TTL, and a hit or a
   * miss that needs no reload); `false` means "ask `get`".
   */
  peek(subscriptionId: string): CachedSubscription | undefined | false {
    const age = this.now() - this.loadedAt;
    if (age > this.ttlMs) return false;
    const hit = this.table.get(subscriptionId);
    if (hit) return hit;
    return this.missIsCurrent() ? undefined : false;
  }

  async get(subscriptionId: string): Promise<CachedSubscription | undefined> {
    const age = this.now() - this.loadedAt;
    if (this.loadedAt === Number.NEGATIVE_INFINITY) await this.reload();
    else if (age > this.ttlMs) void this.reload().catch(() => undefined);
    const hit = this.table.get(subscriptionId);
    if (hit || this.missIsCurrent()) return hit;
    await this.reload();
    return this.table.get(subscriptionId);
  }

  private missIsCurrent(): boolean {
    return this.loadedVersion === this.version && this.now() - this.finishedAt < this.missReloadMs;
  }

  /**
   * One load at a time; callers arriving meanwhile share it. A change announced during a load is
   * not in it, so another load follows.
   */
  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        do await this.load();
        while (this.loadedVersion !== this.version);
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private async load(): Promise<void> {
    const version = this.version;
    const startedAt = this.now();
    try {
      const rows = await this.opts.load();
      const table = new Map<string, CachedSubscription>();
      for (const r of rows) {
        table.set(r.graphSubscriptionId, {
          integrationId: r.integrationId,
          stream: isSyncedStream(r.stream) ? r.stream : null,
          clientStateHash: Buffer.from(r.clientStateHash, 'hex'),
          tenantId: GUID.test(r.tenantId) ? r.tenantId.toLowerCase() : null,
        });
      }
      this.table = table;
      this.loadedAt = startedAt;
      this.finishedAt = this.now();
      this.loadedVersion = version;
    } catch (err) {
      this.opts.logger.warn('subscription table reload failed', { error: (err as Error).message });
      throw err;
    }
  }
}
