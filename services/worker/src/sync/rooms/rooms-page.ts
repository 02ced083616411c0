/** One Places API page, classified without I/O: which rows to write, and what each one changes. */
import type { NewEvent, RoomEntity, RoomRow } from '@ones-m365/shared/db';
import { roomView } from '@ones-m365/shared/events';
import type { GraphRoom } from '@ones-m365/shared/graph';
import { roomChanged, toRoomRow } from './room-mapping.js';

export interface RoomsPageRows {
  /** Selected rooms not seen earlier in the walk. */
  rows: RoomRow[];
  /** Rooms without an email address (rooms are keyed by email). */
  skipped: number;
}

export function roomsPageRows(
  rooms: readonly GraphRoom[],
  integrationId: string,
  selected: (email: string) => boolean,
  seen: ReadonlySet<string>,
): RoomsPageRows {
  const out: RoomsPageRows = { rows: [], skipped: 0 };
  for (const room of rooms) {
    const row = toRoomRow(room, integrationId);
    if (!row) out.skipped++;
    else if (selected(row.email) && !seen.has(row.email)) out.rows.push(row);
  }
  return out;
}

export function roomCounts(
  rows: readonly RoomRow[],
  stored: readonly RoomEntity[],
): { created: number; updated: number; unchanged: number } {
  const byEmail = new Map(stored.map((r) => [r.email, r]));
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const row of rows) {
    const before = byEmail.get(row.email);
    if (!before) counts.created++;
    else if (roomChanged(before, row)) counts.updated++;
    else counts.unchanged++;
  }
  return counts;
}

/** The emails of the rows that create or change a room (the rooms that get an event). */
export function changedEmails(rows: readonly RoomRow[], stored: readonly RoomEntity[]): string[] {
  const byEmail = new Map(stored.map((r) => [r.email, r]));
  return rows
    .filter((row) => {
      const before = byEmail.get(row.email);
      return !before || roomChanged(before, row);
    })
    .map((r) => r.email);
}

/** `room.created` / `room.updated` for each changed room, as written (`after`: the rows read back). */
export function roomEvents(
  integrationId: string,
  stored: readonly RoomEntity[],
  after: readonly RoomEntity[],
): NewEvent[] {
  const before = new Set(stored.map((r) => r.email));
  return after.map((r) => ({
    type: before.has(r.email) ? ('room.updated' as const) : ('room.created' as const),
    integrationId,
    data: roomView(r),
  }));
}
