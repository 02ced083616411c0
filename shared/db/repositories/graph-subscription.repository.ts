import { randomUUID } from 'node:crypto';
import { In, LessThan, Not, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { GraphSubscriptionEntity, IntegrationEntity } from '../entities/index.js';

export type NewGraphSubscription = Pick<
  GraphSubscriptionEntity,
  'integrationId' | 'graphSubscriptionId' | 'resource' | 'changeType' | 'stream' | 'clientStateHash' | 'expiresAt'
>;

/** What the webhook endpoint needs to check a notification, for every live subscription. */
export interface SubscriptionCheckRow {
  graphSubscriptionId: string;
  integrationId: string;
  stream: string;
  clientStateHash: string;
  /** The integration's tenant as the admin entered it (a GUID, or a verified domain). */
  tenantId: string;
}

export class GraphSubscriptionRepository {
  private readonly repo: Repository<GraphSubscriptionEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(GraphSubscriptionEntity);
  }

  async add(row: NewGraphSubscription): Promise<GraphSubscriptionEntity> {
    return await this.repo.save(this.repo.create({ ...row, id: randomUUID(), status: 'active' }));
  }

  async listForIntegration(integrationId: string): Promise<GraphSubscriptionEntity[]> {
    return await this.repo.find({ where: { integrationId }, order: { resource: 'ASC', createdAt: 'ASC' } });
  }

  async findByGraphId(graphSubscriptionId: string): Promise<GraphSubscriptionEntity | null> {
    return await this.repo.findOne({ where: { graphSubscriptionId } });
  }

  async byIds(ids: readonly string[]): Promise<GraphSubscriptionEntity[]> {
    if (ids.length === 0) return [];
    return await this.repo.find({ where: { id: In([...ids]) } });
  }

  /**
   * Subscriptions that expire before `before` or were flagged for renewal, by integration and
   * soonest first, at most `limit` (the rest are picked up by the next run).
   */
  async dueBefore(before: Date, limit: number): Promise<GraphSubscriptionEntity[]> {
    return await this.repo.find({
      where: [{ expiresAt: LessThan(before) }, { status: Not('active') }],
      order: { integrationId: 'ASC', expiresAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  /**
   * Integrations holding subscriptions they should not (deleted, not enabled, or polling): their
   * reconcile was asked for when that changed, but the request may have failed after the change.
   */
  async integrationsNotSubscribed(): Promise<string[]> {
    const rows = await this.repo
      .createQueryBuilder('s')
      .leftJoin(IntegrationEntity, 'i', 'i.id = s.integrationId')
      .select('DISTINCT s.integrationId', 'integrationId')
      .where('i.id IS NULL')
      .orWhere('i.deletedAt IS NOT NULL')
      .orWhere('i.status <> :enabled', { enabled: 'enabled' })
      .orWhere('i.syncMode <> :webhooks', { webhooks: 'webhooks' })
      .getRawMany<{ integrationId: string }>();
    return rows.map((r) => r.integrationId);
  }

  /** Subscription counts of the given integrations (absent: none). */
  async countsByIntegration(integrationIds: string[]): Promise<Map<string, number>> {
    if (!integrationIds.length) return new Map();
    const rows = await this.repo
      .createQueryBuilder('s')
      .select('s.integrationId', 'integrationId')
      .addSelect('COUNT(*)', 'n')
      .where({ integrationId: In(integrationIds) })
      .groupBy('s.integrationId')
      .getRawMany<{ integrationId: string; n: string | number }>();
    return new Map(rows.map((r) => [r.integrationId, Number(r.n)]));
  }

  async setExpiry(id: string, expiresAt: Date): Promise<void> {
    await this.repo.update({ id }, { expiresAt, status: 'active' });
  }

  /** `renew`: a lifecycle event asked for reauthorization; the next reconcile renews it. */
  async setStatus(id: string, status: 'active' | 'renew'): Promise<void> {
    await this.repo.update({ id }, { status });
  }

  async remove(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  /**
   * Every subscription of a live, enabled integration with what a notification is checked
   * against: one query, for the api's in-memory table.
   */
  async listForWebhookCheck(): Promise<SubscriptionCheckRow[]> {
    return await this.repo
      .createQueryBuilder('s')
      .innerJoin(IntegrationEntity, 'i', 'i.id = s.integrationId')
      .select([
        's.graphSubscriptionId AS graphSubscriptionId',
        's.integrationId AS integrationId',
        's.stream AS stream',
      ])
      .addSelect(['s.clientStateHash AS clientStateHash', 'COALESCE(i.tenantGuid, i.tenantId) AS tenantId'])
      .where('i.deletedAt IS NULL')
      .andWhere('i.status = :status', { status: 'enabled' })
      .getRawMany<SubscriptionCheckRow>();
  }
}
