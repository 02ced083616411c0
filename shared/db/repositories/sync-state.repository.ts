import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { SyncStateEntity } from '../entities/index.js';
import { fastUpsertBatch } from './upsert.js';
import { findRow } from './simple-find.js';

export type SyncStatePatch = Partial<
  Pick<SyncStateEntity, 'deltaLink' | 'checkpoint' | 'status' | 'lastError' | 'lastSyncedAt'>
>;

export class SyncStateRepository {
  private readonly repo: Repository<SyncStateEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(SyncStateEntity);
  }

  async get(integrationId: string, stream: string): Promise<SyncStateEntity | null> {
    return await findRow(this.repo, { integrationId, stream });
  }

  async list(integrationId: string): Promise<SyncStateEntity[]> {
    return await this.repo.find({ where: { integrationId }, order: { stream: 'ASC' } });
  }

  /** Creates the stream's row or changes the given fields of it (one statement). */
  async save(integrationId: string, stream: string, patch: SyncStatePatch): Promise<void> {
    const keys = Object.keys(patch) as (keyof SyncStatePatch)[];
    await fastUpsertBatch(
      this.repo,
      [{ id: randomUUID(), integrationId, stream, status: 'idle', ...patch, updatedAt: new Date() }],
      ['integrationId', 'stream'],
      [...keys, 'updatedAt'],
    );
  }
}
