/**
 * The events outbox (EventBatchEntity): what a change writes in its own transaction (`add`: a
 * page's events are one INSERT of a few compressed batch rows), and what replay and delivery
 * read: published events in (seq, batch, index) order after a position.
 *
 * A batch's payload is its events' lines, compressed: `id \t type \t \t data` (the event's JSON is
 * made when read, from these and the row's integration and time, so what every event repeats is
 * not stored 500 times), or, in rows written before that form, `id \t type \t the event's JSON`.
 */
import { promisify } from 'node:util';
import { deflateRaw, inflateRawSync } from 'node:zlib';
import { In, LessThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { EventBatchEntity, type EventType } from '../entities/index.js';
import { eventIdFloor, eventIdTime, newEventId } from './event-id.js';
import { fastInsertBatch } from './upsert.js';

/** A change's event, as its writer gives it: `data` is the resource as the API shows it. */
export interface NewEvent {
  type: EventType;
  integrationId: string;
  data: unknown;
}

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

/**
 * Events per batch row at most, and the text a row takes before compression: a batch is cut at
 * whichever comes first, so its payload fits the BLOB limit without being compressed twice (JSON
 * events compress well over 3× at level 1); one that still would not fit is halved.
 */
const BATCH_EVENTS = 500;
const BATCH_TEXT = 180_000;
const PAYLOAD_BYTES = 60_000;

/** An event as stored in a batch's payload, one per line (the form is in this file's header). */
export interface EventLine {
  id: string;
  type: EventType;
  integrationId: string;
  text: string;
}
/** Batch rows read per query while collecting a page of events. */
const ROWS_PER_READ = 20;

/** Compression runs on libuv's threads: the page's next Graph read goes on meanwhile. */
const deflate = promisify(deflateRaw);
/**
 * The fastest level, with zlib's largest hash memory (256 KB a stream): a quarter faster on event
 * JSON for the same size. The text goes in as a Buffer made line by line: joining it into one
 * string first costs more than the compression.
 */
const DEFLATE = { level: 1, memLevel: 9 };
const NEWLINE = Buffer.from('\n');

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
    const occurredAt = new Date();
    await this.insert(await batchesOf(eventLines(events, occurredAt), occurredAt));
  }

  /** Inserts batch rows made by `batchesOf` as one INSERT. */
  async insert(rows: readonly PreparedBatch[]): Promise<void> {
    if (rows.length === 0) return;
    await fastInsertBatch(this.repo, [...rows]);
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

/** A batch row ready to insert. */
export type PreparedBatch = Partial<EventBatchEntity> & { integrationId: string };

/**
 * The events as payload lines, each with a new id (so in the order given), made at `occurredAt`:
 * a snapshot of their data.
 */
export function eventLines(events: readonly NewEvent[], occurredAt: Date): EventLine[] {
  return events.map((e) => {
    const id = newEventId(occurredAt.getTime());
    return { id, type: e.type, integrationId: e.integrationId, text: `${id}\t${e.type}\t\t${JSON.stringify(e.data)}` };
  });
}

/**
 * Lines (of one or more `eventLines` calls at `occurredAt`) as batch rows: each integration's in
 * order, cut at whichever comes first of BATCH_EVENTS events and BATCH_TEXT of text, compressed
 * on libuv's threads.
 */
export async function batchesOf(lines: readonly EventLine[], occurredAt: Date): Promise<PreparedBatch[]> {
  const byIntegration = new Map<string, EventLine[]>();
  for (const l of lines) {
    const of = byIntegration.get(l.integrationId);
    if (of) of.push(l);
    else byIntegration.set(l.integrationId, [l]);
  }
  const chunks: Promise<PreparedBatch[]>[] = [];
  for (const [integrationId, own] of byIntegration) {
    let from = 0;
    let size = 0;
    for (let i = 0; i < own.length; i++) {
      const n = own[i]!.text.length + 1;
      if (i > from && (i - from === BATCH_EVENTS || size + n > BATCH_TEXT)) {
        chunks.push(batchRows(integrationId, occurredAt, own.slice(from, i)));
        from = i;
        size = 0;
      }
      size += n;
    }
    chunks.push(batchRows(integrationId, occurredAt, own.slice(from)));
  }
  return (await Promise.all(chunks)).flat();
}

/** A run of events as batch rows: one, or halves of it while the compressed payload is too big for a BLOB. */
async function batchRows(integrationId: string, occurredAt: Date, lines: EventLine[]): Promise<PreparedBatch[]> {
  const parts: Buffer[] = [];
  for (const l of lines) parts.push(Buffer.from(l.text), NEWLINE);
  parts.pop();
  const payload = await deflate(Buffer.concat(parts), DEFLATE);
  if (payload.length > PAYLOAD_BYTES && lines.length > 1) {
    const half = Math.ceil(lines.length / 2);
    return [
      ...(await batchRows(integrationId, occurredAt, lines.slice(0, half))),
      ...(await batchRows(integrationId, occurredAt, lines.slice(half))),
    ];
  }
  return [
    {
      id: lines[0]!.id,
      lastId: lines[lines.length - 1]!.id,
      integrationId,
      count: lines.length,
      types: `,${[...new Set(lines.map((l) => l.type))].join(',')},`,
      occurredAt,
      payload,
    },
  ];
}

/** A published batch's events. */
function decode(row: EventBatchEntity): StoredEvent[] {
  const text = inflateRawSync(row.payload).toString('utf8');
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
