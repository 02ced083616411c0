/**
 * Writes one calendarView delta page of a room: the events mapped (bad ones skipped with a
 * warning), one SELECT of the stored rows (to count created and updated, and to tell what
 * changed; not on the first page of a room that never synced: nothing is stored), then one
 * transaction with the set-based upsert, the removed events cancelled (rows kept), the page's
 * booking events (one INSERT), the stream's checkpoint (or the round's end: the new deltaLink
 * and, after a full round, the window's sweep) and the run's counts. A page is committed whole
 * or not at all, its events with it.
 */
import type { BookingRow, NewEvent, RoomBookingEntity, SyncRunEntity, SyncUnitOfWork } from '@ones-m365/shared/db';
import { bookingView } from '@ones-m365/shared/events';
import type { EventsDeltaPage } from '@ones-m365/shared/graph';
import { assertLockHeld } from '../runner/lock-lost-error.js';
import { addWarnings } from '../runner/run-warnings.js';
import { bookingChange } from './booking-events.js';
import { toBookingRow } from './booking-mapping.js';
import type { CalendarEnv } from './calendar-env.js';
import { serializeCalendarState, type CalendarState } from './calendar-state.js';

/** Where the round stands after this page: another page to read, or its end. */
export type CalendarAfter = { next: string } | { deltaLink: string };

export async function writeCalendarPage(
  env: CalendarEnv,
  state: CalendarState,
  mode: 'full' | 'delta',
  page: EventsDeltaPage,
  after: CalendarAfter,
  opts: { nothingStored?: boolean } = {},
): Promise<CalendarState> {
  const { rows, warnings } = pageRows(env, state, page);
  const present = new Set(rows.map((r) => r.graphEventId));
  const removedIds = page.removed.map((r) => r.id).filter((id) => !present.has(id));
  const stored = opts.nothingStored
    ? new Map<string, RoomBookingEntity>()
    : await env.store.bookings.storedByEventIds(
        env.room.id,
        rows.map((r) => r.graphEventId),
      );
  const created = rows.filter((r) => !stored.has(r.graphEventId)).length;
  const next: CalendarState =
    'next' in after
      ? { ...state, round: { mode, link: after.next } }
      : { window: state.window, basedAt: state.basedAt, marker: state.marker };
  const run: SyncRunEntity = {
    ...env.run,
    created: env.run.created + created,
    updated: env.run.updated + rows.length - created,
    graphRequests: env.graphRequests(),
  };
  addWarnings(run, warnings);
  assertLockHeld(env.lock);
  // Rooms' pages commit side by side; InnoDB may pick one as a deadlock victim: it is re-run whole.
  await retryOnDeadlock(() =>
    env.store.transaction(async (tx) => {
      await tx.bookings.upsertPage(rows);
      const changed = await changedBookings(tx, env, rows, stored);
      const cancelled = await tx.bookings.cancel(env.room.id, removedIds);
      if ('next' in after) {
        await tx.syncStates.save(env.room.integrationId, env.stream, {
          checkpoint: serializeCalendarState(next),
          status: 'running',
        });
      } else {
        if (mode === 'full')
          cancelled.push(
            ...(await tx.bookings.sweepRound(env.room.id, state.marker, new Date(state.window.start))).cancelled,
          );
        await tx.syncStates.save(env.room.integrationId, env.stream, {
          deltaLink: after.deltaLink,
          checkpoint: serializeCalendarState(next),
          status: 'idle',
          lastError: null,
          lastSyncedAt: env.now(),
        });
      }
      const gone = cancelled.length;
      await tx.events.add([...changed, ...cancelled.map((b) => bookingEvent('booking.cancelled', b, env))]);
      await tx.syncRuns.save({ ...run, deactivated: env.run.deactivated + gone });
      run.deactivated = env.run.deactivated + gone;
    }),
  );
  Object.assign(env.run, {
    created: run.created,
    updated: run.updated,
    deactivated: run.deactivated,
    graphRequests: run.graphRequests,
    warnings: run.warnings,
  });
  return next;
}

function pageRows(
  env: CalendarEnv,
  state: CalendarState,
  page: EventsDeltaPage,
): { rows: BookingRow[]; warnings: string[] } {
  // The latest copy of an event wins when a page repeats one (delta replays).
  const latest = new Map<string, BookingRow>();
  const warnings: string[] = [];
  for (const ev of page.events) {
    const m = toBookingRow(ev, { integrationId: env.room.integrationId, roomId: env.room.id, round: state.marker });
    if ('row' in m) latest.set(m.row.graphEventId, m.row);
    else warnings.push(m.skipped);
  }
  return { rows: [...latest.values()], warnings };
}

/** The events of the page's upserted rows that are new or changed, with the rows as written. */
async function changedBookings(
  tx: Pick<SyncUnitOfWork, 'bookings'>,
  env: CalendarEnv,
  rows: readonly BookingRow[],
  stored: ReadonlyMap<string, RoomBookingEntity>,
): Promise<NewEvent[]> {
  const changes = new Map(
    rows.flatMap((r) => {
      const change = bookingChange(stored.get(r.graphEventId), r);
      return change ? [[r.graphEventId, change] as const] : [];
    }),
  );
  if (changes.size === 0) return [];
  const written = await tx.bookings.storedByEventIds(env.room.id, [...changes.keys()]);
  return [...changes].flatMap(([id, change]) => {
    const row = written.get(id);
    return row ? [bookingEvent(change, row, env)] : [];
  });
}

function bookingEvent(type: NewEvent['type'], b: RoomBookingEntity, env: CalendarEnv): NewEvent {
  return { type, integrationId: env.room.integrationId, data: bookingView(b, env.room.email) };
}

const DEADLOCK_ATTEMPTS = 3;

async function retryOnDeadlock(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const deadlock = (err as { driverError?: { errno?: number } }).driverError?.errno === 1213;
      if (!deadlock || attempt >= DEADLOCK_ATTEMPTS) throw err;
    }
  }
}
