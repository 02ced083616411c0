/**
 * How a change's events become batch rows of the outbox (EventBatchEntity). Each event is written
 * once, as it is added, as one line of its integration's open batch: `id \t type \t \t data`, in
 * UTF-8, straight into the batch's Buffer (no string per line, no joining). A batch is closed at
 * whichever comes first of BATCH_EVENTS events and BATCH_BYTES of text, so its payload fits the
 * BLOB limit after one compression; one that still would not fit is halved at a line. Payloads
 * are brotli at quality 1: on event JSON it takes half the CPU of deflate's fastest level and
 * compresses better (4.8× against 4.3×).
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants, inflateRawSync } from 'node:zlib';
import type { EventBatchEntity, EventType } from '../entities/index.js';
import { newEventId } from './event-id.js';

/** A change's event, as its writer gives it: `data` is the resource as the API shows it. */
export interface NewEvent {
  type: EventType;
  integrationId: string;
  data: unknown;
}

/** A batch row ready to insert. */
export type PreparedBatch = Pick<
  EventBatchEntity,
  'id' | 'lastId' | 'integrationId' | 'count' | 'types' | 'occurredAt' | 'payload' | 'codec'
>;

/** A batch's limits: events, text (UTF-8 bytes before compression) and its compressed payload. */
export const EVENT_BATCH_LIMITS = { events: 500, textBytes: 180_000, payloadBytes: 60_000 } as const;
const { events: BATCH_EVENTS, textBytes: BATCH_BYTES, payloadBytes: PAYLOAD_BYTES } = EVENT_BATCH_LIMITS;
/** The smallest Buffer a batch starts with; it doubles as lines come, up to BATCH_BYTES. */
const FIRST_BYTES = 8_192;
const TAB = 9;
const NEWLINE = 10;

/** Compression runs on libuv's threads: the page's next Graph read goes on meanwhile. */
const compress = promisify(brotliCompress);
const brotli = (text: Buffer) =>
  compress(text, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 1,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: text.length,
    },
  });

/** A batch's text (its lines), from its payload. */
export function batchText(row: Pick<EventBatchEntity, 'payload' | 'codec'>): string {
  return (row.codec === 'brotli' ? brotliDecompressSync(row.payload) : inflateRawSync(row.payload)).toString('utf8');
}

/** One integration's batch being filled: its lines' bytes, and each line's end, id and type. */
class OpenBatch {
  bytes: Buffer;
  length = 0;
  readonly ends: number[] = [];
  readonly ids: string[] = [];
  readonly types: EventType[] = [];

  constructor(
    readonly integrationId: string,
    size: number,
  ) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  /** Whether a line of at most `worst` bytes may join it. */
  fits(worst: number): boolean {
    return this.ids.length < BATCH_EVENTS && this.length + worst <= BATCH_BYTES;
  }

  write(id: string, type: EventType, json: string, worst: number): void {
    if (this.length + worst > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(this.bytes.length * 2, this.length + worst), BATCH_BYTES));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    let at = this.length;
    const b = this.bytes;
    if (this.ids.length > 0) b[at++] = NEWLINE;
    at += b.write(id, at, 'latin1');
    b[at++] = TAB;
    at += b.write(type, at, 'latin1');
    b[at++] = TAB;
    b[at++] = TAB;
    at += b.write(json, at, 'utf8');
    this.length = at;
    this.ends.push(at);
    this.ids.push(id);
    this.types.push(type);
  }
}

/**
 * Events as batch rows, made at one time (`occurredAt`): `add` gives each event its id (so its
 * order) and writes a snapshot of its data at once; `rows` closes the batches and compresses them.
 */
export class EventBatcher {
  private readonly open = new Map<string, OpenBatch>();
  private readonly closed: OpenBatch[] = [];

  constructor(readonly occurredAt: Date) {}

  add(events: readonly NewEvent[]): void {
    const ms = this.occurredAt.getTime();
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const id = newEventId(ms);
      const json = JSON.stringify(e.data) ?? 'null';
      // At most 3 bytes a UTF-16 unit, the id, the type, the tabs and the newline (ids and types are ASCII).
      const worst = json.length * 3 + id.length + e.type.length + 4;
      let batch = this.open.get(e.integrationId);
      if (batch && !batch.fits(worst)) {
        this.closed.push(batch);
        batch = undefined;
      }
      if (!batch) {
        // Sized for the events still to come in this call (their worst case, so it rarely grows).
        const guess = Math.min(BATCH_BYTES, worst * (events.length - i));
        batch = new OpenBatch(e.integrationId, Math.max(FIRST_BYTES, guess, worst));
        this.open.set(e.integrationId, batch);
      }
      batch.write(id, e.type, json, worst);
    }
  }

  /** Every batch as rows, each integration's in the order their events were added, compressed on libuv's threads. */
  async rows(): Promise<PreparedBatch[]> {
    const all = [...this.closed, ...this.open.values()];
    const rows = await Promise.all(all.map((b) => this.rowsOf(b, 0, b.ids.length)));
    return rows.flat();
  }

  /** Lines [from, to) of a batch as one row, or as halves of it while the payload is too big for a BLOB. */
  private async rowsOf(b: OpenBatch, from: number, to: number): Promise<PreparedBatch[]> {
    const start = from === 0 ? 0 : b.ends[from - 1]! + 1;
    const payload = await brotli(b.bytes.subarray(start, b.ends[to - 1]));
    if (payload.length > PAYLOAD_BYTES && to - from > 1) {
      const half = from + Math.ceil((to - from) / 2);
      return [...(await this.rowsOf(b, from, half)), ...(await this.rowsOf(b, half, to))];
    }
    return [
      {
        id: b.ids[from]!,
        lastId: b.ids[to - 1]!,
        integrationId: b.integrationId,
        count: to - from,
        types: `,${[...new Set(b.types.slice(from, to))].join(',')},`,
        occurredAt: this.occurredAt,
        payload,
        codec: 'brotli',
      },
    ];
  }
}
