/**
 * The rolling window of a room's calendar. calendarView delta fixes its window inside the delta
 * token, so the window is re-based (a new full round over a new window, then a sweep) once a day
 * per room, each room at its own time of day (a hash of its id), so that 2,000 rooms never reload
 * at once.
 */
import { createHash } from 'node:crypto';

const DAY_MS = 24 * 3600 * 1000;

export interface WindowDays {
  past: number;
  future: number;
}

export interface CalendarWindow {
  start: Date;
  end: Date;
}

export function windowAt(now: Date, days: WindowDays): CalendarWindow {
  return { start: new Date(now.getTime() - days.past * DAY_MS), end: new Date(now.getTime() + days.future * DAY_MS) };
}

/** The room's re-base time of day, as ms after midnight UTC: spread evenly by its id. */
export function rebaseOffsetMs(roomId: string): number {
  return createHash('sha256').update(roomId).digest().readUInt32BE(0) % DAY_MS;
}

/** Whether a window based at `basedAt` is due for re-basing: its room's time of day came since. */
export function rebaseDue(roomId: string, basedAt: Date, now: Date): boolean {
  if (now.getTime() - basedAt.getTime() >= DAY_MS) return true;
  const midnight = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const today = midnight + rebaseOffsetMs(roomId);
  const lastSlot = today <= now.getTime() ? today : today - DAY_MS;
  return basedAt.getTime() < lastSlot;
}
