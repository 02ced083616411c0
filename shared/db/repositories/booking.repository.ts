/**
 * Room bookings: the set-based upsert of a calendar page (keyed by room and Graph event id),
 * cancellation of removed events (the row is kept), the rolling window's sweep, and the API's
 * filtered, cursor-paged list.
 */
import { randomUUID } from 'node:crypto';
import { In, LessThan, Not, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { RoomBookingEntity, type BookingSource, type BookingStatus } from '../entities/index.js';
import { fastUpsertBatch, toPage, type Page } from './upsert.js';

export type BookingRow = Pick<
  RoomBookingEntity,
  | 'integrationId'
  | 'roomId'
  | 'graphEventId'
  | 'iCalUId'
  | 'seriesMasterId'
  | 'type'
  | 'changeKey'
  | 'subject'
  | 'organizerEmail'
  | 'organizerName'
  | 'startAt'
  | 'endAt'
  | 'isAllDay'
  | 'status'
  | 'seenRound'
>;

export interface BookingFilter {
  roomIds?: string[];
  /** Bookings overlapping [from, to). */
  from?: Date;
  to?: Date;
  status?: BookingStatus;
  source?: BookingSource;
  cursor?: string;
  limit: number;
}

const OVERWRITE = [
  'iCalUId',
  'seriesMasterId',
  'type',
  'changeKey',
  'subject',
  'organizerEmail',
  'organizerName',
  'startAt',
  'endAt',
  'isAllDay',
  'status',
  'seenRound',
  'updatedAt',
] as const;

export class BookingRepository {
  private readonly repo: Repository<RoomBookingEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(RoomBookingEntity);
  }

  /** One statement for the page; a row seen again keeps its id, source and policy fields. */
  async upsertPage(rows: BookingRow[]): Promise<void> {
    const now = new Date();
    await fastUpsertBatch(
      this.repo,
      rows.map((r) => ({ ...r, id: randomUUID(), source: 'outlook' as const, createdAt: now, updatedAt: now })),
      ['roomId', 'graphEventId'],
      [...OVERWRITE],
    );
  }

  /** The room's stored bookings of these Graph events, by event id (to tell created, changed and unchanged apart). */
  async storedByEventIds(roomId: string, graphEventIds: string[]): Promise<Map<string, RoomBookingEntity>> {
    if (graphEventIds.length === 0) return new Map();
    const rows = await this.repo.find({ where: { roomId, graphEventId: In(graphEventIds) } });
    return new Map(rows.map((r) => [r.graphEventId, r]));
  }

  /** `@removed` events: their rows stay, cancelled. Returns the rows it cancelled, as they are now. */
  async cancel(roomId: string, graphEventIds: string[]): Promise<RoomBookingEntity[]> {
    if (graphEventIds.length === 0) return [];
    const rows = await this.repo.find({
      where: { roomId, graphEventId: In(graphEventIds), status: Not('cancelled' as const) },
    });
    return await this.cancelRows(rows);
  }

  /**
   * The end of a full round over a new window: bookings that ended before the window are no
   * longer mirrored (deleted); bookings inside it that the round did not see are cancelled (and
   * returned, as they are now). The rows are picked by a plain read and written by primary key,
   * so the sweep locks only its own rows (a range DELETE would lock gaps that other rooms' page
   * upserts insert into: deadlocks).
   */
  async sweepRound(
    roomId: string,
    round: string,
    windowStart: Date,
  ): Promise<{ dropped: number; cancelled: RoomBookingEntity[] }> {
    const ended = await this.repo.find({ select: { id: true }, where: { roomId, endAt: LessThan(windowStart) } });
    const unseen = await this.repo
      .createQueryBuilder('b')
      .where('b.roomId = :roomId', { roomId })
      .andWhere('(b.seenRound IS NULL OR b.seenRound <> :round)', { round })
      .andWhere('b.endAt >= :windowStart', { windowStart })
      .andWhere('b.status NOT IN (:...kept)', { kept: ['cancelled', 'declined', 'released'] })
      .getMany();
    const dropped = ended.length ? ((await this.repo.delete({ id: In(ended.map((r) => r.id)) })).affected ?? 0) : 0;
    return { dropped, cancelled: await this.cancelRows(unseen) };
  }

  private async cancelRows(rows: RoomBookingEntity[]): Promise<RoomBookingEntity[]> {
    if (rows.length === 0) return [];
    const updatedAt = new Date();
    await this.repo.update({ id: In(rows.map((r) => r.id)) }, { status: 'cancelled', updatedAt });
    return rows.map((r) => ({ ...r, status: 'cancelled' as const, updatedAt }));
  }

  async list(integrationId: string, f: BookingFilter): Promise<Page<RoomBookingEntity>> {
    const qb = this.repo.createQueryBuilder('b').where('b.integrationId = :integrationId', { integrationId });
    if (f.roomIds) qb.andWhere(f.roomIds.length ? 'b.roomId IN (:...roomIds)' : '1 = 0', { roomIds: f.roomIds });
    if (f.from) qb.andWhere('b.endAt > :from', { from: f.from });
    if (f.to) qb.andWhere('b.startAt < :to', { to: f.to });
    if (f.status) qb.andWhere('b.status = :status', { status: f.status });
    if (f.source) qb.andWhere('b.source = :source', { source: f.source });
    if (f.cursor) qb.andWhere('b.id > :cursor', { cursor: f.cursor });
    const rows = await qb
      .orderBy('b.id', 'ASC')
      .take(f.limit + 1)
      .getMany();
    return toPage(rows, f.limit);
  }

  async countForRoom(roomId: string): Promise<number> {
    return await this.repo.count({ where: { roomId } });
  }
}
