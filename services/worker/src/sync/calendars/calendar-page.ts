/**
 * Writes one calendarView delta page of a room: the events mapped (bad ones skipped with a
 * warning), one SELECT of the stored rows (to count created and updated, and to see what changed)
 * that also finds the bookings made in ONES whose room copies these are (by iCalUId), the booking
 * policy's verdicts (calendar-policy.ts), then one transaction with the set-based upsert, the
 * violations and declines recorded, the removed events cancelled (rows kept), the page's booking
 * events (built from the rows as written), the stream's checkpoint (or the round's end: the new
 * deltaLink and, after a full round, the window's sweep) and the run's counts, or on the round's
 * last page, when no declines are left to send after it, the run's end (the runner's `finishIn`:
 * its row and `sync_run.finished` event in this commit, one transaction fewer per room). A page is
 * committed whole or not at all, its events with it; its declines are sent after the commit.
 */
import type { BookingRow, NewEvent, RoomBookingEntity, StoredBooking, SyncRunEntity } from '@ones-m365/shared/db';
import { bookingView } from '@ones-m365/shared/events';
import type { EventsDeltaPage } from '@ones-m365/shared/graph';
import { assertLockHeld } from '../runner/lock-lost-error.js';
import { addWarnings } from '../runner/run-warnings.js';
import { drainDeclines, scheduleDeclines } from '../../bookings/drain-declines.js';
import { bookingChange } from './booking-events.js';
import { toBookingRow } from './booking-mapping.js';
import { applyPagePolicy, planPagePolicy } from './calendar-policy.js';
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
): Promise<CalendarState> {
  const { rows, warnings } = pageRows(env, state, page);
  const present = new Set(rows.map((r) => r.graphEventId));
  const removedIds = page.removed.map((r) => r.id).filter((id) => !present.has(id));
  const { stored, pendingOnes } = await env.store.bookings.pageStored(
    env.room.id,
    rows.map((r) => r.graphEventId),
    rows.filter((r) => r.iCalUId).map((r) => r.iCalUId!),
  );
  // A booking made in ONES comes back as the room's copy: same iCalUId, the room's own event id.
  // The upsert writes over the stored rows and over those, rekeyed to that id.
  const before = new Map(stored);
  const rekeys: { id: string; graphEventId: string }[] = [];
  for (const r of rows) {
    const pending = !stored.has(r.graphEventId) && r.iCalUId ? pendingOnes.get(r.iCalUId) : undefined;
    if (!pending) continue;
    rekeys.push({ id: pending.id, graphEventId: r.graphEventId });
    before.set(r.graphEventId, { ...pending, graphEventId: r.graphEventId });
  }
  const ones = new Set(rekeys.map((k) => k.graphEventId));
  for (const r of rows) keepStored(r, stored.get(r.graphEventId));
  const plan = await planPagePolicy(
    env.policy,
    {
      integrationId: env.room.integrationId,
      roomId: env.room.id,
      roomEmail: env.room.email,
      capacity: env.room.capacity,
      conn: env.conn,
    },
    rows,
    stored,
    ones,
  );
  const created = rows.filter((r) => !stored.has(r.graphEventId) && !ones.has(r.graphEventId)).length;
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
  const declines = plan.violations.length > 0 && env.policy.policy?.room.mode === 'enforce';
  // The round's last page ends the run in its own commit when no declines are left to send after it.
  const endsRun = 'deltaLink' in after && !declines && !(await env.declinesPending);
  assertLockHeld(env.lock);
  // Rooms' pages commit side by side; InnoDB may pick one as a deadlock victim: it is re-run whole.
  await retryOnDeadlock(() =>
    env.store.transaction(async (tx) => {
      for (const k of rekeys) await tx.bookings.rekey(k.id, k.graphEventId);
      const written = await tx.bookings.upsertPage(rows, before);
      // The page's own events first: a booking's violation or decline (their events) follows its creation.
      await tx.events.add(changedBookings(env, rows, stored, ones, written));
      if (env.policy.policy)
        await applyPagePolicy(
          tx,
          { integrationId: env.room.integrationId, roomId: env.room.id, policy: env.policy.policy.room },
          plan,
        );
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
      await tx.events.add(cancelled.map((b) => bookingEvent('booking.cancelled', b, env)));
      run.deactivated = env.run.deactivated + cancelled.length;
      if (endsRun) await env.finishIn(tx, { ...run, mode });
      else await tx.syncRuns.save(run);
    }),
  );
  Object.assign(env.run, {
    created: run.created,
    updated: run.updated,
    deactivated: run.deactivated,
    graphRequests: run.graphRequests,
    warnings: run.warnings,
  });
  if (declines) await sendRoomDeclines(env);
  return next;
}

/** Sends the room's pending declines now (under the run's lease); a throttled mailbox hands the rest to a job. */
export async function sendRoomDeclines(env: CalendarEnv): Promise<void> {
  const result = await drainDeclines(
    { graph: env.graph, transaction: env.store.transaction, bookingDeclines: env.store.bookingDeclines, now: env.now },
    env.conn,
    env.room,
    env.lock,
  );
  if (result.retry)
    await scheduleDeclines(
      env.producer,
      { integrationId: env.room.integrationId, roomId: env.room.id },
      result.retry.retryAfterMs,
    );
}

/**
 * What a page's row keeps of the stored one: when it was booked, while what the policy looks at is
 * unchanged; `declined` or `released`, while it is the same version of the event.
 */
function keepStored(row: BookingRow, st: StoredBooking | undefined): void {
  if (!st) return;
  if (st.fingerprint === row.fingerprint && st.bookedAt) row.bookedAt = st.bookedAt;
  if ((st.status === 'declined' || st.status === 'released') && st.changeKey === row.changeKey) row.status = st.status;
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
function changedBookings(
  env: CalendarEnv,
  rows: readonly BookingRow[],
  stored: ReadonlyMap<string, RoomBookingEntity>,
  ones: ReadonlySet<string>,
  written: ReadonlyMap<string, RoomBookingEntity>,
): NewEvent[] {
  return rows.flatMap((r) => {
    // A booking made in ONES whose room copy arrived: it now has its calendar's event id.
    const change = ones.has(r.graphEventId) ? 'booking.updated' : bookingChange(stored.get(r.graphEventId), r);
    const row = written.get(r.graphEventId);
    return change && row ? [bookingEvent(change, row, env)] : [];
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
