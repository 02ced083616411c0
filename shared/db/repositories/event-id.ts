/**
 * Event ids: UUIDs in the version 7 layout (RFC 9562: 48 bits of Unix milliseconds, then a
 * 12-bit counter, then random bits), monotonic within a process. Their text sorts as they were
 * made, so the events of one transaction keep their order, and an id also tells its age (pruning
 * by primary key, without an index on time).
 */
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;
/** Random bytes drawn 8 KiB at a time (a page of events needs thousands of them). */
const pool = Buffer.alloc(8192);
let used = pool.length;

function random9(): Buffer {
  if (used + 9 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 9;
  return pool.subarray(used - 9, used);
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function format(ms: number, count: number, random: Buffer): string {
  const time = hex(ms, 12);
  const variant = (0x8 | (random[0]! & 0x3)).toString(16);
  const tail = random.subarray(1, 9).toString('hex').slice(0, 15);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex(count, 3)}-${variant}${tail.slice(0, 3)}-${tail.slice(3)}`;
}

/** A new id, after every id this process made before. */
export function newEventId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    // More than 4,096 ids in one millisecond: borrow the next one (the order is what matters).
    lastMs++;
    counter = 0;
  }
  return format(lastMs, counter, random9());
}

/** The smallest id made at or after `at`: ids below it were made before. */
export function eventIdFloor(at: Date): string {
  return format(at.getTime(), 0, Buffer.alloc(9));
}

/** When an id was made (its milliseconds). */
export function eventIdTime(id: string): Date {
  return new Date(parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}
