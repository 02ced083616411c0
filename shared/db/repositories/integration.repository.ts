import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { integrationView } from '../../events/views.js';
import { IntegrationEntity } from '../entities/index.js';
import type { NewEvent } from './event-batches.js';
import { EventRepository } from './event.repository.js';
import { integrationLiveKey, LIVE_KEY_FIELDS } from './integration-live-key.js';
import { RoomRepository } from './room.repository.js';
import { UserRepository } from './user.repository.js';
import { findRow } from './simple-find.js';

export type NewIntegration = Pick<
  IntegrationEntity,
  'name' | 'cloud' | 'tenantId' | 'clientId' | 'clientSecretSealed' | 'clientSecretHint' | 'endpoints'
> &
  Partial<Pick<IntegrationEntity, 'id' | 'clientSecretExpiresAt'>>;

export class IntegrationRepository {
  private readonly repo: Repository<IntegrationEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(IntegrationEntity);
  }

  /** Rejects with a unique violation when a live integration has the same cloud, tenant and client ID. */
  async create(data: NewIntegration): Promise<IntegrationEntity> {
    const row = this.repo.create({
      roomSettings: { mode: 'all' },
      userSettings: null,
      lastTest: null,
      ...data,
      id: data.id ?? randomUUID(),
      liveKey: integrationLiveKey(data),
    });
    return await this.repo.save(row);
  }

  /** The live integration holding this cloud + tenant + client ID, if any. */
  async findLive(
    fields: Pick<IntegrationEntity, 'cloud' | 'tenantId' | 'clientId'>,
  ): Promise<IntegrationEntity | null> {
    return await this.repo.findOne({ where: { liveKey: integrationLiveKey(fields), deletedAt: IsNull() } });
  }

  /** Live (not deleted) integration by id. */
  async get(id: string): Promise<IntegrationEntity | null> {
    return await findRow(this.repo, { id, deletedAt: null });
  }

  /** By id even when deleted (its Graph subscriptions are cleaned up with its credentials). */
  async getIncludingDeleted(id: string): Promise<IntegrationEntity | null> {
    return await this.repo.findOne({ where: { id } });
  }

  async list(): Promise<IntegrationEntity[]> {
    return await this.repo.find({ where: { deletedAt: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async listEnabled(): Promise<IntegrationEntity[]> {
    return await this.repo.find({ where: { deletedAt: IsNull(), status: 'enabled' } });
  }

  /**
   * Rejects with a unique violation (nothing saved) when the patch gives it another live
   * integration's cloud, tenant and client ID. A patch that changes the status or its reason
   * writes `integration.status_changed` in the same transaction.
   */
  async update(
    id: string,
    patch: Partial<Omit<IntegrationEntity, 'id' | 'createdAt' | 'liveKey'>>,
  ): Promise<IntegrationEntity | null> {
    const keyChanged = LIVE_KEY_FIELDS.some((f) => patch[f] !== undefined);
    const statusTouched = patch.status !== undefined || patch.statusReason !== undefined;
    if (!keyChanged && !statusTouched) {
      await this.repo.update({ id, deletedAt: IsNull() }, patch as never);
    } else {
      // The key is computed from the row as updated, inside the transaction that holds its lock,
      // so two patches changing different key fields at once still leave the right key.
      await this.repo.manager.transaction(async (em) => {
        const before = statusTouched ? await lockedRow(em, id) : null;
        await em.update(IntegrationEntity, { id, deletedAt: IsNull() }, patch as never);
        const row = await em.findOne(IntegrationEntity, { where: { id, deletedAt: IsNull() } });
        if (!row) return;
        if (keyChanged) await em.update(IntegrationEntity, { id }, { liveKey: integrationLiveKey(row) });
        if (before && (before.status !== row.status || before.statusReason !== row.statusReason))
          await new EventRepository(em).add([statusChanged(row)]);
      });
    }
    return await this.get(id);
  }

  /**
   * Marks the integration deleted and, in the same transaction, deactivates its rooms and users:
   * their rows stay (bookings and cards refer to them) until an admin decides. Its events: the
   * status change (with `deletedAt`), and each room's and user's deactivation.
   */
  async softDelete(id: string): Promise<boolean> {
    return await this.repo.manager.transaction(async (em) => {
      const r = await em.update(
        IntegrationEntity,
        { id, deletedAt: IsNull() },
        { deletedAt: new Date(), status: 'disabled', liveKey: null },
      );
      if ((r.affected ?? 0) === 0) return false;
      const row = await em.findOne(IntegrationEntity, { where: { id } });
      const events = new EventRepository(em);
      if (row) await events.add([statusChanged(row)]);
      await deactivateSyncedData(em, id, events);
      return true;
    });
  }

  /**
   * Deactivates a deleted integration's rooms and users again: a sync run that was already past
   * its start when DELETE committed may have written after it. Runs after such a run's last write.
   */
  async deactivateIfDeleted(id: string): Promise<boolean> {
    // Every run ends here: a plain read first, the transaction only for a deleted integration.
    const live = await findRow(this.repo, { id }, { select: ['id', 'deletedAt'] });
    if (!live?.deletedAt) return false;
    return await this.repo.manager.transaction(async (em) => {
      const row = await em.findOne(IntegrationEntity, { where: { id } });
      if (!row?.deletedAt) return false;
      await deactivateSyncedData(em, id, new EventRepository(em));
      return true;
    });
  }
}

async function deactivateSyncedData(em: EntityManager, id: string, events: EventRepository): Promise<void> {
  await new RoomRepository(em).deactivateAll(id, events);
  await new UserRepository(em).deactivateActive(id, 'integration_deleted', events);
}

/** The row, locked until the transaction ends (MySQL/MariaDB; SQLite's writers take turns). */
async function lockedRow(em: EntityManager, id: string): Promise<IntegrationEntity | null> {
  const sqlite = em.connection.options.type === 'better-sqlite3';
  return await em.getRepository(IntegrationEntity).findOne({
    where: { id, deletedAt: IsNull() },
    ...(sqlite ? {} : { lock: { mode: 'pessimistic_write' as const } }),
  });
}

/** `integration.status_changed`: the integration as the API shows it (a deleted one with its `deletedAt`). */
function statusChanged(row: IntegrationEntity): NewEvent {
  const data = row.deletedAt
    ? { ...integrationView(row), deletedAt: row.deletedAt.toISOString() }
    : integrationView(row);
  return { type: 'integration.status_changed', integrationId: row.id, data };
}
