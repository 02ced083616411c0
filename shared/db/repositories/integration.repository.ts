import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { IntegrationEntity, RoomEntity, UserEntity } from '../entities/index.js';

export type NewIntegration = Pick<IntegrationEntity, 'name' | 'cloud' | 'tenantId' | 'clientId' | 'clientSecretSealed' | 'clientSecretHint' | 'endpoints'> &
  Partial<Pick<IntegrationEntity, 'id' | 'clientSecretExpiresAt'>>;

export class IntegrationRepository {
  private readonly repo: Repository<IntegrationEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(IntegrationEntity);
  }

  async create(data: NewIntegration): Promise<IntegrationEntity> {
    const row = this.repo.create({ roomSettings: { mode: 'all' }, userSettings: null, lastTest: null, ...data, id: data.id ?? randomUUID() });
    return await this.repo.save(row);
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

  async update(id: string, patch: Partial<Omit<IntegrationEntity, 'id' | 'createdAt'>>): Promise<IntegrationEntity | null> {
    await this.repo.update({ id, deletedAt: IsNull() }, patch as never);
    return await this.get(id);
  }

  /**
   * Marks the integration deleted and, in the same transaction, deactivates its rooms and users:
   * their rows stay (bookings and cards refer to them) until an admin decides.
   */
  async softDelete(id: string): Promise<boolean> {
    return await this.repo.manager.transaction(async (em) => {
      const r = await em.update(IntegrationEntity, { id, deletedAt: IsNull() }, { deletedAt: new Date(), status: 'disabled' });
      if ((r.affected ?? 0) === 0) return false;
      await em.update(RoomEntity, { integrationId: id, active: true }, { active: false });
      await em.update(UserEntity, { integrationId: id, active: true }, { active: false, inactiveReason: 'integration_deleted' });
      return true;
    });
  }
}
