import { randomUUID } from 'node:crypto';
import { In, LessThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { PendingJobEntity } from '../entities/index.js';

/** The job outbox's rows (see PendingJobEntity). */
export class PendingJobRepository {
  private readonly repo: Repository<PendingJobEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(PendingJobEntity);
  }

  async add(integrationId: string, kind: string, payload: unknown): Promise<string> {
    const id = randomUUID();
    // The app's clock, like the drainer's cut-off it is compared with.
    await this.repo.insert({ id, integrationId, kind, payload: payload as never, createdAt: new Date() });
    return id;
  }

  /** The oldest rows created before `before`, oldest first: follow-ups reach the queue in the order they were written. */
  async oldest(limit: number, before: Date): Promise<PendingJobEntity[]> {
    return await this.repo.find({
      where: { createdAt: LessThan(before) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  async byIds(ids: string[]): Promise<PendingJobEntity[]> {
    if (ids.length === 0) return [];
    return await this.repo.find({ where: { id: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async forIntegration(integrationId: string): Promise<PendingJobEntity[]> {
    return await this.repo.find({ where: { integrationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Deletes the row; false when another process already took it. In a transaction, it holds the row until commit. */
  async claim(id: string): Promise<boolean> {
    const r = await this.repo.delete({ id });
    return (r.affected ?? 0) > 0;
  }

  /** Drops the integration's pending rows of `kind` (a deleted integration's syncs), by primary key: no range locks. */
  async cancel(integrationId: string, kind: string): Promise<number> {
    const ids = (await this.repo.find({ where: { integrationId, kind }, select: { id: true } })).map((r) => r.id);
    if (ids.length === 0) return 0;
    const r = await this.repo.delete({ id: In(ids) });
    return r.affected ?? 0;
  }
}
