/** The booking policy of an integration: one JSON document per integration, and when it was saved. */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { BookingPolicyEntity } from '../entities/index.js';
import { findRow } from './simple-find.js';

export interface StoredPolicy {
  /** The document as saved (read it back through the bookings module's schema). */
  policy: unknown;
  /** When it was saved: the policy applies to bookings made or changed since. */
  savedAt: Date;
}

export class BookingPolicyRepository {
  private readonly repo: Repository<BookingPolicyEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(BookingPolicyEntity);
  }

  async get(integrationId: string): Promise<StoredPolicy | null> {
    const row = await findRow(this.repo, { integrationId });
    return row ? { policy: row.policy, savedAt: row.updatedAt } : null;
  }

  async save(integrationId: string, policy: unknown, at = new Date()): Promise<StoredPolicy> {
    const row = await findRow(this.repo, { integrationId });
    await this.repo.save({ id: row?.id ?? randomUUID(), integrationId, policy, updatedAt: at });
    return { policy, savedAt: at };
  }
}
