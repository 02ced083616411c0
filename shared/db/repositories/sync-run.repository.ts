import { randomUUID } from 'node:crypto';
import { LessThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { syncRunView } from '../../events/views.js';
import { SyncRunEntity } from '../entities/index.js';
import { EventRepository } from './event.repository.js';
import { findRow } from './simple-find.js';
import { insertRows } from './upsert.js';

export type SyncRunStart = Pick<SyncRunEntity, 'integrationId' | 'stream' | 'mode' | 'trigger'> & {
  jobId?: string | null;
};
export type SyncRunResult = Partial<
  Pick<
    SyncRunEntity,
    'status' | 'created' | 'updated' | 'deactivated' | 'unchanged' | 'graphRequests' | 'warnings' | 'error'
  >
>;

export class SyncRunRepository {
  private readonly repo: Repository<SyncRunEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(SyncRunEntity);
  }

  /**
   * One INSERT (no transaction, no read-back): every column is set here, so the returned entity is
   * the row. Runs start once per job, for every stream: a 2,000-room first load starts 2,000.
   */
  async start(run: SyncRunStart): Promise<SyncRunEntity> {
    const row = this.repo.create({
      ...run,
      jobId: run.jobId ?? null,
      id: randomUUID(),
      status: 'running',
      created: 0,
      updated: 0,
      deactivated: 0,
      unchanged: 0,
      graphRequests: 0,
      durationMs: null,
      warnings: [],
      error: null,
      startedAt: new Date(),
      finishedAt: null,
    });
    await insertRows(this.repo, [row]);
    return row;
  }

  /**
   * One UPDATE of what a run ends with (no read-before-write), the mode included: a run asked for
   * as delta may have run in full (a resumed round, a re-based window); with its
   * `sync_run.finished` event, in one transaction.
   */
  async finish(run: SyncRunEntity, result: SyncRunResult): Promise<SyncRunEntity> {
    await this.repo.manager.transaction((em) =>
      new SyncRunRepository(em).finishIn(run, result, new EventRepository(em)),
    );
    return run;
  }

  /**
   * The run's end as `finish` writes it, in the caller's transaction (this repository's manager)
   * with its `sync_run.finished` event in the transaction's `events`: a run's last page can end
   * the run in its own commit.
   */
  async finishIn(
    run: SyncRunEntity,
    result: SyncRunResult,
    events: Pick<EventRepository, 'add'>,
  ): Promise<SyncRunEntity> {
    const finishedAt = new Date();
    Object.assign(run, result, { finishedAt, durationMs: finishedAt.getTime() - run.startedAt.getTime() });
    const { mode, status, created, updated, deactivated, unchanged, graphRequests, warnings, error, durationMs } = run;
    await this.repo.update(
      { id: run.id },
      {
        mode,
        status,
        created,
        updated,
        deactivated,
        unchanged,
        graphRequests,
        warnings,
        error,
        durationMs,
        finishedAt,
      },
    );
    await events.add([{ type: 'sync_run.finished', integrationId: run.integrationId, data: syncRunView(run) }]);
    return run;
  }

  /** The unfinished run of a job (a retried, resumed or delayed job keeps its run). */
  async runningForJob(jobId: string): Promise<SyncRunEntity | null> {
    return await findRow(this.repo, { jobId, status: 'running' });
  }

  /** Writes the progress of a run that is not over yet (counts, requests, warnings, error): one UPDATE. */
  async save(run: SyncRunEntity): Promise<SyncRunEntity> {
    const { created, updated, deactivated, unchanged, graphRequests, warnings, error } = run;
    await this.repo.update(
      { id: run.id },
      { created, updated, deactivated, unchanged, graphRequests, warnings, error },
    );
    return run;
  }

  /** needs_confirmation → confirmed, once; false when the run is not waiting for a confirmation. */
  async confirm(id: string): Promise<boolean> {
    const r = await this.repo.update({ id, status: 'needs_confirmation' }, { status: 'confirmed' });
    return (r.affected ?? 0) > 0;
  }

  async get(id: string): Promise<SyncRunEntity | null> {
    return await this.repo.findOne({ where: { id } });
  }

  async listLatest(integrationId: string, limit: number): Promise<SyncRunEntity[]> {
    return await this.repo.find({ where: { integrationId }, order: { startedAt: 'DESC', id: 'DESC' }, take: limit });
  }

  /** Deletes runs that started before `before`; returns how many. */
  async pruneBefore(before: Date): Promise<number> {
    return (await this.repo.delete({ startedAt: LessThan(before) })).affected ?? 0;
  }
}
