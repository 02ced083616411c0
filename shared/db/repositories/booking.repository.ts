/**
 * Room bookings: the set-based upsert of a calendar page (keyed by room and Graph event id),
 * cancellation of removed events (the row is kept), the rolling window's sweep, the API's
 * filtered, cursor-paged list, what the booking policy reads and writes (the rows holding a
 * room, violations, declines), and bookings made in ONES.
 */
import { randomUUID } from 'node:crypto';
import { Brackets, In, Not, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { bookingView } from '../../events/views.js';
import { PENDING_EVENT_PREFIX } from '../entities/room-booking.entity.js';
import {
  RoomBookingEntity,
  RoomEntity,
  type BookingSource,
  type BookingStatus,
  type EventType,
} from '../entities/index.js';
import { EventRepository } from './event.repository.js';
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
  | 'bookedAt'
  | 'fingerprint'
  | 'attendeeCount'
>;

/** What the import compares a page's event with: the stored row's version, state and policy facts. */
export type StoredBooking = Pick<
  RoomBookingEntity,
  'id' | 'graphEventId' | 'changeKey' | 'status' | 'source' | 'fingerprint' | 'bookedAt' | 'policyViolation'
>;

/** A booking that holds its room (the "others" of a conflict check). */
export type HoldingBooking = Pick<
  RoomBookingEntity,
  'id' | 'graphEventId' | 'startAt' | 'endAt' | 'isAllDay' | 'bookedAt' | 'seriesMasterId' | 'policyViolation'
>;

export { PENDING_EVENT_PREFIX } from '../entities/room-booking.entity.js';
export const HOLDING_STATUSES: readonly BookingStatus[] = ['confirmed', 'tentative'];

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
  'bookedAt',
  'fingerprint',
  'attendeeCount',
  'updatedAt',
] as const;

/**
 * A page's row as a new booking: every column, the ones the page does not carry as the table's
 * defaults give them. Spelled out, not spread: a page builds thousands of these, and spreading
 * rows falls to V8's slow path (about 5% of a calendar load's CPU, profiled).
 */
function newBookingRow(r: BookingRow, now: Date): RoomBookingEntity {
  return {
    id: randomUUID(),
    integrationId: r.integrationId,
    roomId: r.roomId,
    graphEventId: r.graphEventId,
    iCalUId: r.iCalUId,
    seriesMasterId: r.seriesMasterId,
    type: r.type,
    changeKey: r.changeKey,
    subject: r.subject,
    organizerEmail: r.organizerEmail,
    organizerName: r.organizerName,
    startAt: r.startAt,
    endAt: r.endAt,
    isAllDay: r.isAllDay,
    status: r.status,
    source: 'outlook',
    seenRound: r.seenRound,
    policyViolation: null,
    declinedAt: null,
    bookedAt: r.bookedAt,
    fingerprint: r.fingerprint,
    attendeeCount: r.attendeeCount,
    writtenMailbox: null,
    writtenEventId: null,
    createdAt: now,
    updatedAt: now,
  };
}

export class BookingRepository {
  private readonly repo: Repository<RoomBookingEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(RoomBookingEntity);
  }

  /**
   * One statement for the page; a row seen again keeps its id, source and policy fields. Returns
   * the rows as written, by Graph event id, told from `before` (the stored rows of the page's
   * events as the caller read them under the room's lease, the rekeyed ones included) instead
   * of read back.
   */
  async upsertPage(
    rows: BookingRow[],
    before: ReadonlyMap<string, RoomBookingEntity> = new Map(),
  ): Promise<Map<string, RoomBookingEntity>> {
    const now = new Date();
    const written = new Map<string, RoomBookingEntity>();
    const values = rows.map((r) => {
      const fresh = newBookingRow(r, now);
      const stored = before.get(r.graphEventId);
      written.set(r.graphEventId, stored ? { ...stored, ...r, updatedAt: now } : fresh);
      return fresh;
    });
    await fastUpsertBatch(this.repo, values, ['roomId', 'graphEventId'], [...OVERWRITE]);
    return written;
  }

  /** The stored rows of a page's events, by Graph event id (whole: what changed is told from them, and events show them). */
  async storedByEventIds(roomId: string, graphEventIds: string[]): Promise<Map<string, RoomBookingEntity>> {
    if (graphEventIds.length === 0) return new Map();
    const rows = await this.repo.find({ where: { roomId, graphEventId: In(graphEventIds) } });
    return new Map(rows.map((r) => [r.graphEventId, r]));
  }

  /**
   * What a calendar page is compared with, in one read: the stored rows of its events (by Graph
   * event id) and the bookings made in ONES in this room whose room copy the delta has not
   * brought yet, among the page's iCalUIds (by iCalUId).
   */
  async pageStored(
    roomId: string,
    graphEventIds: string[],
    iCalUIds: string[],
  ): Promise<{ stored: Map<string, RoomBookingEntity>; pendingOnes: Map<string, RoomBookingEntity> }> {
    const stored = new Map<string, RoomBookingEntity>();
    const pendingOnes = new Map<string, RoomBookingEntity>();
    if (graphEventIds.length === 0) return { stored, pendingOnes };
    const rows = await this.repo
      .createQueryBuilder('b')
      .where('b.roomId = :roomId', { roomId })
      .andWhere(
        new Brackets((w) => {
          w.where('b.graphEventId IN (:...ids)', { ids: graphEventIds });
          if (iCalUIds.length)
            w.orWhere(
              new Brackets((x) =>
                x
                  .where('b.source = :ones', { ones: 'ones' })
                  .andWhere('b.iCalUId IN (:...uids)', { uids: iCalUIds })
                  .andWhere('b.graphEventId LIKE :pending', { pending: `${PENDING_EVENT_PREFIX}%` }),
              ),
            );
        }),
      )
      .getMany();
    for (const r of rows) {
      if (!r.graphEventId.startsWith(PENDING_EVENT_PREFIX)) stored.set(r.graphEventId, r);
      else if (r.source === 'ones' && r.iCalUId) pendingOnes.set(r.iCalUId, r);
    }
    return { stored, pendingOnes };
  }

  /** Gives a booking made in ONES the id of its copy in the room's calendar. */
  async rekey(id: string, graphEventId: string): Promise<void> {
    await this.repo.update({ id }, { graphEventId });
  }

  /**
   * `@removed` events: their rows stay, cancelled. A booking the room declined or released keeps
   * that status (the decline itself removes the event from the room's calendar). Returns the rows
   * it cancelled, as they are now.
   */
  async cancel(roomId: string, graphEventIds: string[]): Promise<RoomBookingEntity[]> {
    if (graphEventIds.length === 0) return [];
    const rows = await this.repo.find({
      where: { roomId, graphEventId: In(graphEventIds), status: Not(In(['cancelled', 'declined', 'released'])) },
    });
    return await this.cancelRows(rows);
  }

  /** The room's bookings that hold it (confirmed, tentative) and overlap [from, to). */
  async holding(roomId: string, from: Date, to: Date): Promise<HoldingBooking[]> {
    return await this.repo
      .createQueryBuilder('b')
      .select([
        'b.id',
        'b.graphEventId',
        'b.startAt',
        'b.endAt',
        'b.isAllDay',
        'b.bookedAt',
        'b.seriesMasterId',
        'b.policyViolation',
      ])
      .where('b.roomId = :roomId', { roomId })
      .andWhere('b.status IN (:...holding)', { holding: HOLDING_STATUSES })
      .andWhere('b.startAt < :to', { to })
      .andWhere('b.endAt > :from', { from })
      .getMany();
  }

  /** Sets (or clears, with null) the policy violation of bookings. */
  async setViolation(ids: string[], violation: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.withEvents(
      ids,
      () => 'booking.updated',
      (repo) => repo.update({ id: In(ids) }, { policyViolation: violation }),
    );
  }

  /** The room took them out: declined by the policy, or released for no check-in (`booking.declined` / `booking.released`). */
  async markAnswered(ids: string[], status: 'declined' | 'released', at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.withEvents(
      ids,
      () => `booking.${status}`,
      (repo) => repo.update({ id: In(ids) }, { status, declinedAt: at }),
    );
  }

  /** The holding bookings of a series in the room (its occurrences and exceptions). */
  async idsOfSeries(roomId: string, seriesMasterId: string): Promise<string[]> {
    const rows = await this.repo.find({
      select: { id: true },
      where: { roomId, seriesMasterId, status: In([...HOLDING_STATUSES]) },
    });
    return rows.map((r) => r.id);
  }

  async get(integrationId: string, id: string): Promise<RoomBookingEntity | null> {
    return await this.repo.findOne({ where: { integrationId, id } });
  }

  async getMany(ids: string[]): Promise<RoomBookingEntity[]> {
    return ids.length ? await this.repo.find({ where: { id: In(ids) } }) : [];
  }

  /** A booking made in ONES, stored before it is written to Outlook. */
  async insert(row: Omit<RoomBookingEntity, 'createdAt' | 'updatedAt'>): Promise<RoomBookingEntity> {
    const now = new Date();
    return await this.withEvents(
      [row.id],
      () => 'booking.created',
      (repo) => repo.save({ ...row, createdAt: now, updatedAt: now }),
    );
  }

  /** A change of a booking made in ONES: `booking.cancelled` / `booking.released` when that is its new status, else `booking.updated`. */
  async patch(id: string, patch: Partial<Omit<RoomBookingEntity, 'id'>>): Promise<void> {
    const type = (): EventType =>
      patch.status === 'cancelled'
        ? 'booking.cancelled'
        : patch.status === 'released'
          ? 'booking.released'
          : 'booking.updated';
    await this.withEvents([id], type, (repo) => repo.update({ id }, patch));
  }

  /** A booking made in ONES that never reached Outlook: gone, with a `booking.cancelled` of its last state. */
  async remove(id: string): Promise<void> {
    await this.repo.manager.transaction(async (em) => {
      const repo = em.getRepository(RoomBookingEntity);
      const rows = await repo.find({ where: { id } });
      await repo.delete({ id });
      await writeBookingEvents(
        em,
        rows.map((r) => ({ ...r, status: 'cancelled' as const })),
        () => 'booking.cancelled',
      );
    });
  }

  /** Runs `change`, then writes each booking's event (of the row as it is now), in one transaction. */
  private async withEvents<T>(
    ids: string[],
    type: (b: RoomBookingEntity) => EventType,
    change: (repo: Repository<RoomBookingEntity>) => Promise<T>,
  ): Promise<T> {
    return await this.repo.manager.transaction(async (em) => {
      const repo = em.getRepository(RoomBookingEntity);
      const result = await change(repo);
      await writeBookingEvents(em, await repo.find({ where: { id: In(ids) } }), type);
      return result;
    });
  }

  /** Bookings from Outlook that hold a room and end after `from` (and start before `to`): what a recheck looks at. */
  async forRecheck(roomId: string, from: Date, to: Date | null): Promise<RoomBookingEntity[]> {
    const qb = this.repo
      .createQueryBuilder('b')
      .where('b.roomId = :roomId', { roomId })
      .andWhere('b.source = :source', { source: 'outlook' })
      .andWhere('b.status IN (:...holding)', { holding: HOLDING_STATUSES })
      .andWhere('b.endAt > :from', { from });
    if (to) qb.andWhere('b.startAt < :to', { to });
    return await qb.orderBy('b.startAt', 'ASC').getMany();
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

/** The bookings' events, each booking as the API shows it (with its room's mailbox). */
async function writeBookingEvents(
  em: EntityManager,
  rows: RoomBookingEntity[],
  type: (b: RoomBookingEntity) => EventType,
): Promise<void> {
  if (rows.length === 0) return;
  const rooms = await em.getRepository(RoomEntity).find({
    select: { id: true, email: true },
    where: { id: In([...new Set(rows.map((r) => r.roomId))]) },
  });
  const email = new Map(rooms.map((r) => [r.id, r.email]));
  await new EventRepository(em).add(
    rows.map((b) => ({
      type: type(b),
      integrationId: b.integrationId,
      data: bookingView(b, email.get(b.roomId) ?? null),
    })),
  );
}
