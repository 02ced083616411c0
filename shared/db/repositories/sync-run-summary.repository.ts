/**
 * What the health checks read from sync_runs, per stream of one integration, whatever the stream
 * (users, rooms, calendar:<roomId>, …): when each run outcome last happened, the newest error of
 * a failing or retrying stream, and runs waiting for a confirmation.
 */
import { IsNull, Not, type DataSource, type Repository } from 'typeorm';
import { SyncRunEntity } from '../entities/index.js';
import { rawDate } from './operations-summary.repository.js';

export interface StreamRunSummary {
  stream: string;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** The error of the newest failed run when it is newer than the last success. */
  failure: { error: string | null; at: Date } | null;
  /** The error a run still in progress carries (an attempt failed and is retried, or throttled). */
  retrying: string | null;
}

/** MAX() of a datetime comes back as a Date (MySQL) or as UTC text without a zone (SQLite). */
const asDate = (v: unknown) => (v === null || v === undefined ? null : rawDate(v));

export class SyncRunSummaryRepository {
  private readonly repo: Repository<SyncRunEntity>;
  constructor(ds: DataSource) {
    this.repo = ds.getRepository(SyncRunEntity);
  }

  async streams(integrationId: string): Promise<StreamRunSummary[]> {
    const rows = await this.repo
      .createQueryBuilder('r')
      .select('r.stream', 'stream')
      .addSelect('r.status', 'status')
      .addSelect('MAX(r.finishedAt)', 'at')
      .where('r.integrationId = :integrationId', { integrationId })
      .andWhere('r.status IN (:...statuses)', { statuses: ['succeeded', 'failed'] })
      .groupBy('r.stream')
      .addGroupBy('r.status')
      .getRawMany<{ stream: string; status: string; at: unknown }>();
    const byStream = new Map<string, StreamRunSummary>();
    for (const row of rows) {
      const s = byStream.get(row.stream) ?? {
        stream: row.stream,
        lastSuccessAt: null,
        lastFailureAt: null,
        failure: null,
        retrying: null,
      };
      if (row.status === 'succeeded') s.lastSuccessAt = asDate(row.at);
      else s.lastFailureAt = asDate(row.at);
      byStream.set(row.stream, s);
    }
    for (const s of byStream.values()) {
      if (s.lastFailureAt && (!s.lastSuccessAt || s.lastFailureAt > s.lastSuccessAt)) {
        const run = await this.repo.findOne({
          where: { integrationId, stream: s.stream, status: 'failed' },
          order: { finishedAt: 'DESC' },
        });
        s.failure = { error: run?.error ?? null, at: s.lastFailureAt };
      }
    }
    const retrying = await this.repo.find({
      where: { integrationId, status: 'running', error: Not(IsNull()) },
      order: { startedAt: 'ASC' },
    });
    for (const run of retrying) {
      const s = byStream.get(run.stream) ?? {
        stream: run.stream,
        lastSuccessAt: null,
        lastFailureAt: null,
        failure: null,
        retrying: null,
      };
      s.retrying = run.error;
      byStream.set(run.stream, s);
    }
    return [...byStream.values()];
  }

  /** Runs stopped by the mass-deactivation guard, waiting for an admin's confirmation. */
  async waitingConfirmation(integrationId: string): Promise<SyncRunEntity[]> {
    return await this.repo.find({
      where: { integrationId, status: 'needs_confirmation' },
      order: { startedAt: 'DESC' },
    });
  }
}
