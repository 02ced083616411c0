/**
 * A write to one integration as one transaction that holds the integration's row lock: the
 * change and its follow-up work (pending_jobs rows) commit together or not at all, and writes to
 * one integration (DELETE included) take turns instead of interleaving. Every writer locks the
 * integration row first, then the outbox rows, so they never deadlock one another.
 */
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { IntegrationEntity } from '../entities/index.js';
import { EventRepository } from './event.repository.js';
import { IntegrationRepository } from './integration.repository.js';
import { PendingJobRepository } from './pending-job.repository.js';
import { RoomRepository } from './room.repository.js';

export interface IntegrationWrite {
  /** The integration as locked (live, unless `includeDeleted`). */
  integration: IntegrationEntity;
  integrations: IntegrationRepository;
  pendingJobs: PendingJobRepository;
  /** The write's events (they commit with it). */
  events: Pick<EventRepository, 'add'>;
  /** Its rooms (which streams it has: one calendar per active room). */
  rooms: Pick<RoomRepository, 'activeIds'>;
  /** The transaction, for other repositories. */
  em: EntityManager;
}

/** `SELECT … FOR UPDATE` on MySQL/MariaDB; SQLite has no row locks (its writers are serialised). */
export async function lockIntegration(
  em: EntityManager,
  id: string,
  opts: { includeDeleted?: boolean } = {},
): Promise<IntegrationEntity | null> {
  const sqlite = em.connection.options.type === 'better-sqlite3';
  return await em.getRepository(IntegrationEntity).findOne({
    where: opts.includeDeleted ? { id } : { id, deletedAt: IsNull() },
    ...(sqlite ? {} : { lock: { mode: 'pessimistic_write' as const } }),
  });
}

/** Runs `fn` under the integration's lock; null (and nothing written) when there is no such integration. */
export async function writeIntegration<T>(
  ds: DataSource,
  id: string,
  fn: (tx: IntegrationWrite) => Promise<T>,
): Promise<T | null> {
  return await ds.transaction(async (em) => {
    const integration = await lockIntegration(em, id);
    if (!integration) return null;
    return await fn({
      integration,
      integrations: new IntegrationRepository(em),
      pendingJobs: new PendingJobRepository(em),
      events: new EventRepository(em),
      rooms: new RoomRepository(em),
      em,
    });
  });
}
