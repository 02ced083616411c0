/** Cross-integration facts for the gauges on /metrics, one query each (read at scrape time). */
import type { DataSource } from 'typeorm';
import { GraphSubscriptionEntity, SyncRunEntity } from '../entities/index.js';

/** MAX() of a datetime comes back as a Date (MySQL) or as UTC text without a zone (SQLite). */
export const rawDate = (v: unknown): Date =>
  v instanceof Date ? v : new Date(/Z|[+-]\d\d:?\d\d$/.test(String(v)) ? String(v) : `${String(v).replace(' ', 'T')}Z`);

export class OperationsSummaryRepository {
  constructor(private readonly ds: DataSource) {}

  /** The newest successful run of every stream of every integration. */
  async lastSuccessByStream(): Promise<{ integrationId: string; stream: string; at: Date }[]> {
    const rows = await this.ds
      .getRepository(SyncRunEntity)
      .createQueryBuilder('r')
      .select('r.integrationId', 'integrationId')
      .addSelect('r.stream', 'stream')
      .addSelect('MAX(r.finishedAt)', 'at')
      .where('r.status = :status', { status: 'succeeded' })
      .groupBy('r.integrationId')
      .addGroupBy('r.stream')
      .getRawMany<{ integrationId: string; stream: string; at: unknown }>();
    return rows.map((r) => ({ integrationId: r.integrationId, stream: r.stream, at: rawDate(r.at) }));
  }

  async subscriptionExpiries(): Promise<{ integrationId: string; stream: string; expiresAt: Date }[]> {
    const rows = await this.ds
      .getRepository(GraphSubscriptionEntity)
      .find({ select: { integrationId: true, stream: true, expiresAt: true } });
    return rows.map((r) => ({ integrationId: r.integrationId, stream: r.stream, expiresAt: r.expiresAt }));
  }
}
