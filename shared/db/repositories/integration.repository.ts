import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { IntegrationEntity, RoomEntity, UserEntity } from '../entities/index.js';
import { integrationLiveKey, LIVE_KEY_FIELDS } from './integration-live-key.js';

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
    return await this.repo.findOne({ where: { id, deletedAt: IsNull() } });
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

  /** Rejects with a unique violation (nothing saved) when the patch gives it another live integration's cloud, tenant and client ID. */
  async update(
    id: string,
    patch: Partial<Omit<IntegrationEntity, 'id' | 'createdAt' | 'liveKey'>>,
  ): Promise<IntegrationEntity | null> {
    if (!LIVE_KEY_FIELDS.some((f) => patch[f] !== undefined)) {
      await this.repo.update({ id, deletedAt: IsNull() }, patch as never);
    } else {
      // The key is computed from the row as updated, inside the transaction that holds its lock,
      // so two patches changing different key fields at once still leave the right key.
      await this.repo.manager.transaction(async (em) => {
        await em.update(IntegrationEntity, { id, deletedAt: IsNull() }, patch as never);
        const row = await em.findOne(IntegrationEntity, { where: { id, deletedAt: IsNull() } });
        if (row) await em.update(IntegrationEntity, { id }, { liveKey: integrationLiveKey(row) });
      });
    }
    return await this.get(id);
  }

  /**
   * Marks the integration deleted and, in the same transaction, deactivates its rooms and users:
   * their rows stay (bookings and cards refer to them) until an admin decides.
   */
  async softDelete(id: string): Promise<boolean> {
    return await this.repo.manager.transaction(async (em) => {
      const r = await em.update(
        IntegrationEntity,
        { id, deletedAt: IsNull() },
        { deletedAt: new Date(), status: 'disabled', liveKey: null },
      );
      if ((r.affected ?? 0) === 0) return false;
      await deactivateSyncedData(em, id);
      return true;
    });
  }

  /**
   * Deactivates a deleted integration's rooms and users again: a sync run that was already past
   * its start when DELETE committed may have written after it. Runs after such a run's last write.
   */
  async deactivateIfDeleted(id: string): Promise<boolean> {
    // Every run ends here: a plain read first, the transaction only for a deleted integration.
    const live = await this.repo.findOne({ select: { id: true, deletedAt: true }, where: { id } });
    if (!live?.deletedAt) return false;
    return await this.repo.manager.transaction(async (em) => {
      const row = await em.findOne(IntegrationEntity, { where: { id } });
      if (!row?.deletedAt) return false;
      await deactivateSyncedData(em, id);
      return true;
    });
  }
}

async function deactivateSyncedData(em: EntityManager, id: string): Promise<void> {
  await em.update(RoomEntity, { integrationId: id, active: true }, { active: false });
  await em.update(
    UserEntity,
    { integrationId: id, active: true },
    { active: false, inactiveReason: 'integration_deleted' },
  );
}
