import { randomUUID } from 'node:crypto';
import { In, type DataSource, type Repository } from 'typeorm';
import { UserEntity, UserGroupEntity } from '../entities/index.js';
import { columnsOf, toPage, upsertBatch, type Page } from './upsert.js';

export type UserRow = Pick<UserEntity, 'integrationId' | 'graphId' | 'userPrincipalName' | 'mail' | 'displayName' | 'accountEnabled' | 'active' | 'inactiveReason' | 'cardNumber'>;

export interface UserView extends UserEntity {
  groupIds: string[];
}

export class UserRepository {
  private readonly repo: Repository<UserEntity>;
  private readonly links: Repository<UserGroupEntity>;
  constructor(ds: DataSource) {
    this.repo = ds.getRepository(UserEntity);
    this.links = ds.getRepository(UserGroupEntity);
  }

  /** Set-based upsert keyed by (integration, graph id). */
  async upsertBatch(rows: UserRow[]): Promise<void> {
    const now = new Date();
    await upsertBatch(
      this.repo,
      rows.map((r) => ({ ...r, id: randomUUID(), createdAt: now, updatedAt: now })),
      columnsOf(this.repo, ['integrationId', 'graphId']),
      columnsOf(this.repo, ['userPrincipalName', 'mail', 'displayName', 'accountEnabled', 'active', 'inactiveReason', 'cardNumber', 'updatedAt']),
    );
  }

  async byGraphIds(integrationId: string, graphIds: string[]): Promise<UserEntity[]> {
    if (graphIds.length === 0) return [];
    return await this.repo.find({ where: { integrationId, graphId: In(graphIds) } });
  }

  async list(integrationId: string, opts: { cursor?: string; limit: number; active?: boolean }): Promise<Page<UserView>> {
    const qb = this.repo.createQueryBuilder('u').where('u.integrationId = :integrationId', { integrationId });
    if (opts.active !== undefined) qb.andWhere('u.active = :active', { active: opts.active });
    if (opts.cursor) qb.andWhere('u.id > :cursor', { cursor: opts.cursor });
    const rows = await qb.orderBy('u.id', 'ASC').take(opts.limit + 1).getMany();
    const page = toPage(rows, opts.limit);
    const links = page.items.length ? await this.links.find({ where: { userId: In(page.items.map((u) => u.id)) } }) : [];
    const byUser = new Map<string, string[]>();
    for (const l of links) byUser.set(l.userId, [...(byUser.get(l.userId) ?? []), l.groupId]);
    return { items: page.items.map((u) => Object.assign(u, { groupIds: byUser.get(u.id) ?? [] })), nextCursor: page.nextCursor };
  }

  /** Adds users to groups; existing memberships are left as they are. */
  async addToGroups(userIds: string[], groupIds: string[]): Promise<void> {
    if (userIds.length === 0 || groupIds.length === 0) return;
    const now = new Date();
    const rows = userIds.flatMap((userId) => groupIds.map((groupId) => ({ userId, groupId, createdAt: now })));
    await this.links.createQueryBuilder().insert().into(UserGroupEntity).values(rows).orIgnore().updateEntity(false).execute();
  }

  async countActive(integrationId: string): Promise<number> {
    return await this.repo.count({ where: { integrationId, active: true } });
  }
}
