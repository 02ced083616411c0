/**
 * Room bookings: the set-based upsert of a calendar page (keyed by room and Graph event id),
 * cancellation of removed events (the row is kept), the rolling window's sweep, and the API's
 * filtered, cursor-paged list.
 */
import { randomUUID } from 'node:crypto';
import { Brackets, In, Not, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { RoomBookingEntity, type BookingSource, type BookingStatus } from '../entities/index.js';
import { fastUpsertBatch, type Page } from './upsert.js';

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
    // One read picks both: ended before the window, or inside it and not seen by this round.
    const picked = await this.repo
      .createQueryBuilder('b')
      .where('b.roomId = :roomId', { roomId })
      .andWhere(
        new Brackets((w) =>
          w
            .where('b.endAt < :windowStart')
            .orWhere(
              new Brackets((x) =>
                x
                  .where('(b.seenRound IS NULL OR b.seenRound <> :round)')
                  .andWhere('b.status NOT IN (:...kept)', { kept: ['cancelled', 'declined', 'released'] }),
              ),
            ),
        ),
      )
      .setParameters({ windowStart, round })
      .getMany();
    const ended = picked.filter((r) => r.endAt < windowStart).map((r) => r.id);
    const unseen = picked.filter((r) => r.endAt >= windowStart);
    const dropped = ended.length ? ((await this.repo.delete({ id: In(ended) })).affected ?? 0) : 0;
    return { dropped, cancelled: await this.cancelRows(unseen) };
  }

  private async cancelRows(rows: RoomBookingEntity[]): Promise<RoomBookingEntity[]> {
    if (rows.length === 0) return [];
    const updatedAt = new Date();
    await this.repo.update({ id: In(rows.map((r) => r.id)) }, { status: 'cancelled', updatedAt });
    return rows.map((r) => ({ ...r, status: 'cancelled' as const, updatedAt }));
  }

  /**
   * In time order (start, then id), as a room display or an occupancy report reads them; the
   * cursor is opaque to callers: `<start in ms>.<id>` of the last item of the page.
   */
  async list(integrationId: string, f: BookingFilter): Promise<Page<RoomBookingEntity>> {
    const qb = this.repo.createQueryBuilder('b').where('b.integrationId = :integrationId', { integrationId });
    if (f.roomIds) qb.andWhere(f.roomIds.length ? 'b.roomId IN (:...roomIds)' : '1 = 0', { roomIds: f.roomIds });
    if (f.from) qb.andWhere('b.endAt > :from', { from: f.from });
    if (f.to) qb.andWhere('b.startAt < :to', { to: f.to });
    if (f.status) qb.andWhere('b.status = :status', { status: f.status });
    if (f.source) qb.andWhere('b.source = :source', { source: f.source });
    const after = f.cursor ? readBookingCursor(f.cursor) : null;
    if (after) {
      qb.andWhere('(b.startAt > :afterStart OR (b.startAt = :afterStart AND b.id > :afterId))', {
        afterStart: after.start,
        afterId: after.id,
      });
    }
    const rows = await qb
      .orderBy('b.startAt', 'ASC')
      .addOrderBy('b.id', 'ASC')
      .take(f.limit + 1)
      .getMany();
    const items = rows.slice(0, f.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > f.limit && last ? bookingCursor(last) : null };
  }

  async countForRoom(roomId: string): Promise<number> {
    return await this.repo.count({ where: { roomId } });
  }
}

/** The cursor after `b` in the list's order. */
export function bookingCursor(b: Pick<RoomBookingEntity, 'startAt' | 'id'>): string {
  return `${b.startAt.getTime()}.${b.id}`;
}

/** A cursor's position, or null when it is not one `bookingCursor` makes (callers validate first). */
export function readBookingCursor(cursor: string): { start: Date; id: string } | null {
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(cursor);
  return m ? { start: new Date(Number(m[1])), id: m[2]! } : null;
}
