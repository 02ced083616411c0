/**
 * Recurring meetings in a room's calendar: one seriesMaster (kept, but never shown by
 * calendarView) and its occurrences, each an event of its own with `seriesMasterId`, as Outlook
 * expands a daily or weekly pattern. Moving one occurrence makes it an exception; cancelling the
 * master cancels every occurrence.
 */
import type { EventRecord } from './model.js';
import { bookEvent, cancelEvent, SimulatorError, type BookingInput } from './mutations.js';
import type { Tenant } from './tenant.js';

export interface SeriesInput extends BookingInput {
  /** Occurrences (1-500), each `intervalDays` after the one before. */
  count: number;
  intervalDays?: number;
  /** The master says the series never ends (its first `count` occurrences are in the calendar). */
  noEnd?: boolean;
}

const DAY_MS = 86_400_000;

export function bookSeries(
  tenant: Tenant,
  roomIdOrEmail: string,
  input: SeriesInput,
): { master: EventRecord; occurrences: EventRecord[] } {
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > 500)
    throw new SimulatorError(400, 'count must be an integer from 1 to 500');
  const interval = input.intervalDays ?? 1;
  if (!Number.isInteger(interval) || interval < 1)
    throw new SimulatorError(400, 'intervalDays must be a positive integer');
  const master = bookEvent(tenant, roomIdOrEmail, input);
  master.type = 'seriesMaster';
  master.recurrence = {
    pattern: { type: 'daily', interval },
    range: {
      type: input.noEnd ? 'noEnd' : 'numbered',
      startDate: master.start.slice(0, 10),
      numberOfOccurrences: input.noEnd ? 0 : input.count,
      recurrenceTimeZone: 'UTC',
    },
  };
  const iCalUId = master.iCalUId;
  const occurrences: EventRecord[] = [];
  for (let k = 0; k < input.count; k++) {
    const shift = (iso: string) => new Date(Date.parse(iso) + k * interval * DAY_MS).toISOString();
    const ev = bookEvent(tenant, roomIdOrEmail, { ...input, start: shift(master.start), end: shift(master.end) });
    // Every occurrence of one meeting shares its iCalUId (Outlook derives it from the master's).
    Object.assign(ev, { type: 'occurrence', seriesMasterId: master.id, iCalUId });
    occurrences.push(ev);
  }
  return { master, occurrences };
}

/** Cancels the master and each of its occurrences still in the calendar. */
export function cancelSeries(tenant: Tenant, masterId: string): EventRecord {
  const cal = tenant.calendars.get(tenant.eventsById.get(masterId)?.roomId ?? '') ?? [];
  for (const ev of cal) if (ev.seriesMasterId === masterId && !ev.deleted) cancelEvent(tenant, ev.id);
  return cancelEvent(tenant, masterId);
}
