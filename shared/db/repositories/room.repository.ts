import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { roomView } from '../../events/views.js';
import { RoomEntity } from '../entities/index.js';
import type { EventRepository } from './event.repository.js';
import { columnsOf, toPage, upsertBatch, type Page } from './upsert.js';
import { findRow } from './simple-find.js';

export type RoomRow = Omit<RoomEntity, 'id' | 'createdAt' | 'updatedAt' | 'active'>;

export class RoomRepository {
  private readonly repo: Repository<RoomEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(RoomEntity);
  }

  /** Set-based upsert keyed by (integration, email); upserted rooms become active. */
  async upsertBatch(rows: RoomRow[]): Promise<void> {
    const now = new Date();
    await upsertBatch(
      this.repo,
      rows.map((r) => ({
        ...r,
        email: r.email.toLowerCase(),
        id: randomUUID(),
        active: true,
        createdAt: now,
        updatedAt: now,
      })),
      columnsOf(this.repo, ['integrationId', 'email']),
      columnsOf(this.repo, [
        'graphId',
        'displayName',
        'capacity',
        'building',
        'floorNumber',
        'floorLabel',
        'bookingType',
        'isWheelChairAccessible',
        'tags',
        'active',
        'updatedAt',
      ]),
    );
  }

  /**
   * Marks every active room of the integration whose email is not in `keepEmails` inactive, each
   * with its `room.deactivated` event. Run it in a transaction, whose `events` it writes to.
   */
  async deactivateAllExcept(
    integrationId: string,
    keepEmails: string[],
    events: Pick<EventRepository, 'add'>,
  ): Promise<number> {
    const keep = new Set(keepEmails.map((e) => e.toLowerCase()));
    const sqlite = this.repo.manager.connection.options.type === 'better-sqlite3';
    const gone = (
      await this.repo.find({
        where: { integrationId, active: true },
        order: { email: 'ASC' },
        ...(sqlite ? {} : { lock: { mode: 'pessimistic_write' as const } }),
      })
    ).filter((r) => !keep.has(r.email));
    if (gone.length === 0) return 0;
    await events.add(
      gone.map((r) => ({ type: 'room.deactivated' as const, integrationId, data: roomView({ ...r, active: false }) })),
    );
    const r = await this.repo.update({ id: In(gone.map((g) => g.id)) }, { active: false });
    return r.affected ?? gone.length;
  }

  async list(
    integrationId: string,
    opts: { cursor?: string; limit: number; active?: boolean },
  ): Promise<Page<RoomEntity>> {
    const qb = this.repo.createQueryBuilder('r').where('r.integrationId = :integrationId', { integrationId });
    if (opts.active !== undefined) qb.andWhere('r.active = :active', { active: opts.active });
    if (opts.cursor) qb.andWhere('r.id > :cursor', { cursor: opts.cursor });
    const rows = await qb
      .orderBy('r.id', 'ASC')
      .take(opts.limit + 1)
      .getMany();
    return toPage(rows, opts.limit);
  }

  /** The ids (and mailboxes) of the integration's active rooms (one calendar stream and subscription each). */
  async activeIds(integrationId: string): Promise<{ id: string; email: string }[]> {
    return await this.repo.find({
      select: { id: true, email: true },
      where: { integrationId, active: true },
      order: { id: 'ASC' },
    });
  }

  /** The room, if it is one of the integration's active (synced) rooms. */
  async getActive(integrationId: string, id: string): Promise<RoomEntity | null> {
    return await findRow(this.repo, { integrationId, id, active: true });
  }

  async byIds(integrationId: string, ids: string[]): Promise<RoomEntity[]> {
    if (ids.length === 0) return [];
    return await this.repo.find({ where: { integrationId, id: In(ids) } });
  }

  async byEmails(integrationId: string, emails: string[]): Promise<RoomEntity[]> {
    if (emails.length === 0) return [];
    return await this.repo.find({ where: { integrationId, email: In(emails.map((e) => e.toLowerCase())) } });
  }

  /** Every active room of the integration inactive, with its events (see `deactivateAllExcept`). */
  async deactivateAll(integrationId: string, events: Pick<EventRepository, 'add'>): Promise<number> {
    return await this.deactivateAllExcept(integrationId, [], events);
  }
}
