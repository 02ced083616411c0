/**
 * The events outbox (EventBatchEntity): what a change writes in its own transaction (`add`: a
 * page's events are one INSERT of a few compressed batch rows), and what replay and delivery
 * read: published events in (seq, batch, index) order after a position.
 *
 * A batch's payload is its events' lines, compressed: `id \t type \t \t data` (the event's JSON is
 * made when read, from these and the row's integration and time, so what every event repeats is
 * not stored 500 times), or, in rows written before that form, `id \t type \t the event's JSON`.
 */
import { In, LessThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { EventBatchEntity, type EventType } from '../entities/index.js';
import { batchText, EventBatcher, type NewEvent, type PreparedBatch } from './event-batches.js';
import { eventIdFloor, eventIdTime } from './event-id.js';
import { insertRows } from './upsert.js';

/** Where an event stands in the published order: its batch's pass and id, and its index in the batch. */
export interface EventPosition {
  seq: number;
  batch: string;
  index: number;
}

/** Before every published event. */
export const START: EventPosition = { seq: 0, batch: '', index: -1 };

/** A published event as stored: `json` is its JSON text, `{id, type, integrationId, occurredAt, data}`. */
export interface StoredEvent {
  id: string;
  type: EventType;
  integrationId: string;
  occurredAt: Date;
  json: string;
  position: EventPosition;
}

export interface PublishedFilter {
  after?: EventPosition;
  integrationId?: string;
  type?: EventType;
  /** Only events made at or after this time. */
  since?: Date;
  limit: number;
}

/** Batch rows read per query while collecting a page of events. */
const ROWS_PER_READ = 20;

const after = (p: EventPosition) => ({ seq: p.seq, batch: p.batch });

export class EventRepository {
  private readonly repo: Repository<EventBatchEntity>;
  /** Integrations this repository wrote events for (a transaction's writes, for its commit hook). */
  readonly written = new Set<string>();

  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(EventBatchEntity);
  }

  /** Writes the events in the order given, each with a new id, as one INSERT of their batch rows. */
  async add(events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const batcher = new EventBatcher(new Date());
    batcher.add(events);
    await this.insert(await batcher.rows());
  }

  /** Inserts batch rows made by an `EventBatcher` as one INSERT (their payloads sent as bytes). */
  async insert(rows: readonly PreparedBatch[]): Promise<void> {
    if (rows.length === 0) return;
    await insertRows(this.repo, rows);
    for (const r of rows) this.written.add(r.integrationId);
  }

  /** Published events after `f.after`, oldest first, at most `f.limit`. */
  async published(f: PublishedFilter): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    let from = f.after ?? START;
    const floor = f.since ? eventIdFloor(f.since) : null;
    for (;;) {
      const qb = this.repo
        .createQueryBuilder('b')
        .where('b.seq IS NOT NULL')
        .andWhere('b.seq >= :seq AND (b.seq > :seq OR b.id >= :batch)', after(from));
      if (f.integrationId) qb.andWhere('b.integrationId = :integrationId', { integrationId: f.integrationId });
      if (f.type) qb.andWhere('b.types LIKE :type', { type: `%,${f.type},%` });
      if (floor) qb.andWhere('b.lastId >= :floor', { floor });
      const rows = await qb.orderBy('b.seq', 'ASC').addOrderBy('b.id', 'ASC').limit(ROWS_PER_READ).getMany();
      for (const row of rows) {
        for (const e of decode(row)) {
          if (row.id === from.batch && row.seq === from.seq && e.position.index <= from.index) continue;
          if ((f.type && e.type !== f.type) || (floor && e.id < floor)) continue;
          out.push(e);
          if (out.length === f.limit) return out;
        }
      }
      if (rows.length < ROWS_PER_READ) return out;
      const last = rows[rows.length - 1]!;
      from = { seq: last.seq!, batch: last.id, index: last.count - 1 };
    }
  }

  /** A published event's position (null: no such event, or not published yet). */
  async position(eventId: string): Promise<EventPosition | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(eventId)) return null;
    // A batch's ids were made within moments of each other: its first id is at most a minute older.
    const earliest = eventIdFloor(new Date(eventIdTime(eventId).getTime() - 60_000));
    const candidates = await this.repo
      .createQueryBuilder('b')
      .where('b.id <= :eventId AND b.id >= :earliest AND b.lastId >= :eventId', { eventId, earliest })
      .andWhere('b.seq IS NOT NULL')
      .getMany();
    for (const row of candidates) {
      const e = decode(row).find((x) => x.id === eventId);
      if (e) return e.position;
    }
    return null;
  }

  /** How many of the integration's published events come after `from` (and up to `through`). */
  async countAfter(integrationId: string, from: EventPosition, through?: EventPosition): Promise<number> {
    const qb = this.repo
      .createQueryBuilder('b')
      .select('b.id', 'id')
      .addSelect('b.seq', 'seq')
      .addSelect('b.count', 'count')
      .where('b.integrationId = :integrationId', { integrationId })
      .andWhere('b.seq >= :seq AND (b.seq > :seq OR b.id >= :batch)', after(from));
    if (through)
      qb.andWhere('b.seq <= :tseq AND (b.seq < :tseq OR b.id <= :tbatch)', {
        tseq: through.seq,
        tbatch: through.batch,
      });
    let n = 0;
    for (const r of await qb.getRawMany<{ id: string; seq: number | string; count: number | string }>()) {
      const seq = Number(r.seq);
      let count = Number(r.count);
      if (r.id === from.batch && seq === from.seq) count -= from.index + 1;
      if (through && r.id === through.batch && seq === through.seq) count -= Number(r.count) - through.index - 1;
      n += Math.max(0, count);
    }
    return n;
  }

  /** The position (and id) of the integration's last published event after `from` that occurred at or before `cutoff`. */
  async lastOccurredBy(
    integrationId: string,
    from: EventPosition,
    cutoff: Date,
  ): Promise<(EventPosition & { eventId: string }) | null> {
    const row = await this.repo
      .createQueryBuilder('b')
      .select(['b.seq', 'b.id', 'b.count', 'b.lastId'])
      .where('b.integrationId = :integrationId', { integrationId })
      .andWhere('b.seq >= :seq AND (b.seq > :seq OR b.id >= :batch)', after(from))
      .andWhere('b.occurredAt <= :cutoff', { cutoff })
      .orderBy('b.seq', 'DESC')
      .addOrderBy('b.id', 'DESC')
      .limit(1)
      .getOne();
    if (!row || row.seq === null) return null;
    const last = { seq: row.seq, batch: row.id, index: row.count - 1, eventId: row.lastId };
    return last.seq === from.seq && last.batch === from.batch && last.index <= from.index ? null : last;
  }

  /** Deletes batches whose events were all made before `before` (ids tell their age), `batch` rows at a time. */
  async pruneBefore(before: Date, batch = 1_000): Promise<number> {
    const floor = eventIdFloor(before);
    let deleted = 0;
    for (;;) {
      const rows = await this.repo.find({
        select: { id: true, count: true },
        where: { lastId: LessThan(floor), id: LessThan(floor) },
        order: { id: 'ASC' },
        take: batch,
      });
      if (rows.length === 0) return deleted;
      await this.repo.delete({ id: In(rows.map((r) => r.id)) });
      deleted += rows.reduce((n, r) => n + r.count, 0);
    }
  }
}

/** A published batch's events. */
function decode(row: EventBatchEntity): StoredEvent[] {
  const text = batchText(row);
  const envelope = `,"integrationId":${JSON.stringify(row.integrationId)},"occurredAt":${JSON.stringify(row.occurredAt)},"data":`;
  return text.split('\n').map((line, index) => {
    const a = line.indexOf('\t');
    const b = line.indexOf('\t', a + 1);
    const id = line.slice(0, a);
    const type = line.slice(a + 1, b) as EventType;
    return {
      id,
      type,
      integrationId: row.integrationId,
      occurredAt: row.occurredAt,
      json:
        line.charCodeAt(b + 1) === 9 // a tab: the data alone
          ? `{"id":"${id}","type":"${type}"${envelope}${line.slice(b + 2)}}`
          : line.slice(b + 1),
      position: { seq: row.seq!, batch: row.id, index },
    };
  });
}
