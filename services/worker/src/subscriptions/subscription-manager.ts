/**
 * Keeps an integration's Graph subscriptions as they should be, for any resource type (a
 * SubscriptionSpec each): create with a fresh random clientState (only its SHA-256 is stored),
 * renew the due ones (subscription-renewal.ts), recreate what Graph no longer knows (404) and run
 * a delta, adopt on 409, delete. Every change is announced to the api processes (their
 * subscription table).
 *
 * 409 adoption: Graph never gives back a subscription's clientState, so one we cannot check
 * notifications of is useless to us. If the existing subscription points at our own
 * notificationUrl (ours from a lost row, or from a crash between create and insert), it is
 * deleted and created again with a new clientState. If it points elsewhere (another deployment
 * of the same app registration), or belongs to another integration of ours (same tenant and
 * app), it is left alone and the integration falls back to polling.
 */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@ones-m365/shared/crypto';
import type { GraphSubscriptionEntity, GraphSubscriptionRepository } from '@ones-m365/shared/db';
import {
  GraphConflictError,
  GraphNotFoundError,
  type GraphClient,
  type GraphConnection,
  type GraphSubscription,
} from '@ones-m365/shared/graph';
import type { Logger } from '@ones-m365/shared/logging';
import type { Producer } from '@ones-m365/shared/queue';
import type { SubscriptionSpec } from '@ones-m365/shared/subscriptions';
import { requestSync, type Coordination } from '@ones-m365/shared/sync';
import { DEFAULT_RENEW_MARGIN_MS, isRenewalDue, renewSubscriptions } from './subscription-renewal.js';

export type SubscriptionsGraph = Pick<
  GraphClient,
  'createSubscription' | 'getSubscription' | 'listSubscriptions' | 'renewSubscriptions' | 'deleteSubscription'
>;

export interface SubscriptionManagerDeps {
  graph: SubscriptionsGraph;
  subscriptions: Pick<
    GraphSubscriptionRepository,
    'listForIntegration' | 'findByGraphId' | 'add' | 'remove' | 'setExpiry'
  >;
  producer: Pick<Producer, 'enqueue'>;
  coordination: Pick<Coordination, 'requestFull' | 'announceSubscriptionsChanged'>;
  logger: Logger;
  /** PUBLIC_BASE_URL: where Graph reaches the api. */
  publicBaseUrl: string;
  /** Renew when less than this is left (default DEFAULT_RENEW_MARGIN_MS). */
  renewMarginMs?: number;
  now?: () => Date;
}

/** A refusal that no retry will fix: the integration falls back to polling and says why. */
export class SubscriptionUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubscriptionUnavailableError';
  }
}

/** How many creates run at once: each holds a Graph request open through the validation handshake. */
export const CREATE_CONCURRENCY = 4;

const norm = (resource: string) => resource.replace(/^\/+/, '').toLowerCase();
const normChangeTypes = (changeType: string) =>
  changeType
    .split(',')
    .map((s) => s.trim())
    .sort()
    .join();
const specKey = (s: { resource: string; changeType: string }) => `${norm(s.resource)} ${normChangeTypes(s.changeType)}`;
const sameChangeTypes = (a: string, b: string) => normChangeTypes(a) === normChangeTypes(b);

export class SubscriptionManager {
  readonly notificationUrl: string;
  readonly lifecycleUrl: string;
  private readonly now: () => Date;
  private readonly renewMarginMs: number;

  constructor(private readonly deps: SubscriptionManagerDeps) {
    this.notificationUrl = `${deps.publicBaseUrl}/webhooks/graph/notifications`;
    this.lifecycleUrl = `${deps.publicBaseUrl}/webhooks/graph/lifecycle`;
    this.now = deps.now ?? (() => new Date());
    this.renewMarginMs = deps.renewMarginMs ?? DEFAULT_RENEW_MARGIN_MS;
  }

  /**
   * Makes the integration hold exactly `specs`: renews what is due, creates what is missing (at
   * most CREATE_CONCURRENCY at a time: each create waits for Graph's validation handshake, and a
   * 2,000-room tenant has 2,001 of them), deletes the rest. The api processes are told once, at
   * the end, not once per subscription. Creates that worked are kept when another fails; the
   * first failure is thrown after all of them settled.
   */
  async ensure(
    integrationId: string,
    conn: GraphConnection,
    specs: SubscriptionSpec[],
    opts: { verify?: boolean } = {},
  ): Promise<void> {
    const rows = await this.deps.subscriptions.listForIntegration(integrationId);
    const byKey = new Map<string, GraphSubscriptionEntity[]>();
    for (const r of rows) {
      const key = specKey(r);
      const list = byKey.get(key);
      if (list) list.push(r);
      else byKey.set(key, [r]);
    }
    const kept = new Set<GraphSubscriptionEntity>();
    const due = new Map<GraphSubscriptionEntity, SubscriptionSpec>();
    const missing: SubscriptionSpec[] = [];
    for (const spec of specs) {
      const row = byKey.get(specKey(spec))?.shift();
      if (!row) {
        missing.push(spec);
        continue;
      }
      kept.add(row); // handled here: not an extra one to delete below
      if (opts.verify && !(await this.existsAtGraph(conn, row))) {
        // Gone at Graph without a lifecycle event (it happens): notifications may have been lost.
        this.deps.logger.warn('subscription missing at Graph, recreating', {
          integrationId,
          subscriptionId: row.graphSubscriptionId,
        });
        await this.deps.subscriptions.remove(row.id);
        missing.push(spec);
      } else if (isRenewalDue(row, this.now(), this.renewMarginMs)) {
        due.set(row, spec);
      }
    }
    let changed = false;
    try {
      changed = (await this.createAll(integrationId, conn, missing)) > 0;
      await this.renew(integrationId, conn, [...due.keys()], (row) => due.get(row)!);
      const extra = rows.filter((r) => !kept.has(r));
      if (extra.length) await this.removeAll(integrationId, conn, extra);
    } finally {
      if (changed) await this.deps.coordination.announceSubscriptionsChanged(integrationId);
    }
  }

  /** Creates each spec, a few at a time; resolves to how many were created, or throws the first failure. */
  private async createAll(integrationId: string, conn: GraphConnection, specs: SubscriptionSpec[]): Promise<number> {
    let next = 0;
    let created = 0;
    let failure: unknown = null;
    const lane = async () => {
      while (failure === null && next < specs.length) {
        const spec = specs[next++]!;
        try {
          await this.create(integrationId, conn, spec, { announce: false });
          created++;
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, specs.length) }, lane));
    if (failure !== null) throw failure as Error;
    return created;
  }

  /**
   * Renews `rows` (due ones) in Graph `$batch`es; each one Graph no longer knows is recreated from
   * its spec (and a delta runs: notifications may have been lost). Another failure is thrown once
   * the renewals that worked are stored.
   */
  async renew(
    integrationId: string,
    conn: GraphConnection,
    rows: GraphSubscriptionEntity[],
    specOf: (row: GraphSubscriptionEntity) => SubscriptionSpec,
  ): Promise<number> {
    const result = await renewSubscriptions({ ...this.deps, now: this.now }, integrationId, conn, rows);
    for (const row of result.gone) {
      this.deps.logger.warn('subscription gone at Graph, recreating', {
        integrationId,
        subscriptionId: row.graphSubscriptionId,
      });
      await this.deps.subscriptions.remove(row.id);
      await this.create(integrationId, conn, specOf(row));
    }
    if (result.failures.length) throw result.failures[0] as Error;
    return result.renewed;
  }

  private async existsAtGraph(conn: GraphConnection, row: GraphSubscriptionEntity): Promise<boolean> {
    try {
      await this.deps.graph.getSubscription(conn, row.graphSubscriptionId);
      return true;
    } catch (err) {
      if (err instanceof GraphNotFoundError) return false;
      throw err;
    }
  }

  /**
   * Creates one subscription, stores it, and asks for a delta (changes made before it existed).
   * `announce: false` leaves telling the api processes to the caller (ensure tells them once).
   */
  async create(
    integrationId: string,
    conn: GraphConnection,
    spec: SubscriptionSpec,
    opts: { announce?: boolean } = {},
  ): Promise<void> {
    const clientState = randomBytes(32).toString('base64url');
    let sub: GraphSubscription;
    try {
      sub = await this.createAtGraph(conn, spec, clientState);
    } catch (err) {
      if (!(err instanceof GraphConflictError)) throw err;
      await this.adopt(integrationId, conn, spec);
      sub = await this.createAtGraph(conn, spec, clientState);
    }
    await this.deps.subscriptions.add({
      integrationId,
      graphSubscriptionId: sub.id,
      resource: spec.resource,
      changeType: spec.changeType,
      stream: spec.stream,
      clientStateHash: sha256Hex(clientState),
      expiresAt: new Date(sub.expirationDateTime),
    });
    if (opts.announce !== false) await this.deps.coordination.announceSubscriptionsChanged(integrationId);
    this.deps.logger.info('subscription created', {
      integrationId,
      subscriptionId: sub.id,
      resource: spec.resource,
      expiresAt: sub.expirationDateTime,
    });
    await requestSync(this.deps, { integrationId, stream: spec.stream, mode: 'delta', trigger: 'webhook' });
  }

  private createAtGraph(
    conn: GraphConnection,
    spec: SubscriptionSpec,
    clientState: string,
  ): Promise<GraphSubscription> {
    return this.deps.graph.createSubscription(conn, {
      resource: spec.resource,
      changeType: spec.changeType,
      clientState,
      expirationDateTime: this.expiry(spec),
      notificationUrl: this.notificationUrl,
      lifecycleNotificationUrl: this.lifecycleUrl,
    });
  }

  /** 409: find the existing subscription; ours (our URL) is deleted so it can be made again. */
  private async adopt(integrationId: string, conn: GraphConnection, spec: SubscriptionSpec): Promise<void> {
    const existing = (await this.deps.graph.listSubscriptions(conn)).filter(
      (s) => norm(s.resource) === norm(spec.resource) && sameChangeTypes(s.changeType, spec.changeType),
    );
    const foreign = existing.find((s) => s.notificationUrl !== this.notificationUrl);
    if (foreign) {
      throw new SubscriptionUnavailableError(
        `another deployment of this app already subscribes to ${spec.resource} (notification URL ${foreign.notificationUrl ?? 'unknown'})`,
      );
    }
    const rows = await Promise.all(existing.map((s) => this.deps.subscriptions.findByGraphId(s.id)));
    const other = rows.find((r) => r && r.integrationId !== integrationId);
    if (other)
      throw new SubscriptionUnavailableError(
        `integration ${other.integrationId} already subscribes to ${spec.resource} for this tenant and app`,
      );
    for (const [i, s] of existing.entries()) {
      await this.deleteAtGraph(conn, s.id);
      if (rows[i]) await this.deps.subscriptions.remove(rows[i].id);
    }
    this.deps.logger.info('subscription adopted (recreated with a new clientState)', {
      integrationId,
      resource: spec.resource,
      replaced: existing.length,
    });
  }

  /** Deletes subscriptions at Graph (gone already is fine) and their rows. */
  async removeAll(
    integrationId: string,
    conn: GraphConnection | null,
    rows?: GraphSubscriptionEntity[],
  ): Promise<number> {
    const list = rows ?? (await this.deps.subscriptions.listForIntegration(integrationId));
    for (const row of list) {
      if (conn) await this.deleteAtGraph(conn, row.graphSubscriptionId);
      await this.deps.subscriptions.remove(row.id);
    }
    if (list.length) {
      await this.deps.coordination.announceSubscriptionsChanged(integrationId);
      this.deps.logger.info('subscriptions deleted', { integrationId, count: list.length });
    }
    return list.length;
  }

  private async deleteAtGraph(conn: GraphConnection, id: string): Promise<void> {
    try {
      await this.deps.graph.deleteSubscription(conn, id);
    } catch (err) {
      if (!(err instanceof GraphNotFoundError)) throw err;
    }
  }

  private expiry(spec: SubscriptionSpec): Date {
    return new Date(this.now().getTime() + spec.lifetimeMinutes * 60_000);
  }
}
