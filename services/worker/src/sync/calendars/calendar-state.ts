/**
 * What a room's calendar stream keeps in its sync_states row besides the deltaLink: the window
 * its delta token covers, when that window was based, the full round's marker (the sweep keeps
 * what that round saw), and, while a round is under way, where it stands (a killed or throttled
 * run resumes there). Stored as JSON in the row's `checkpoint` column.
 */
export interface CalendarRound {
  mode: 'full' | 'delta';
  /** The next page to read. */
  link: string;
}

export interface CalendarState {
  window: { start: string; end: string };
  basedAt: string;
  /** The full round that based this window (bookings it saw carry it). */
  marker: string;
  round?: CalendarRound;
}

export function parseCalendarState(raw: string | null | undefined): CalendarState | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<CalendarState>;
    const ok =
      typeof v.basedAt === 'string' &&
      typeof v.marker === 'string' &&
      typeof v.window?.start === 'string' &&
      typeof v.window?.end === 'string';
    if (!ok || Number.isNaN(Date.parse(v.basedAt!))) return null;
    const round =
      v.round && (v.round.mode === 'full' || v.round.mode === 'delta') && typeof v.round.link === 'string'
        ? v.round
        : undefined;
    return { window: v.window!, basedAt: v.basedAt!, marker: v.marker!, ...(round ? { round } : {}) };
  } catch {
    return null;
  }
}

export function serializeCalendarState(s: CalendarState): string {
  return JSON.stringify(s);
}
