/**
 * The booking policy as a pure function: (a room's rules, one booking, what else is booked, the
 * organizer's groups) → the verdict, naming the first rule the booking breaks (in RULE_KEYS'
 * order) with one sentence saying the rule and its limit. No clock, no database, no Graph: the
 * caller gathers the facts.
 *
 * - Times: durations are real elapsed minutes; working hours are wall-clock times in the rule's
 *   IANA zone (luxon), so 08:00 stays 08:00 across a daylight-saving change.
 * - All-day bookings are dates (Graph gives them midnight to midnight): they last 1,440 minutes a
 *   day, keep working hours when every day they cover is a working day, and hold the room from
 *   midnight to midnight in the rules' zone (working hours' zone, else UTC) for conflicts.
 * - Series: each occurrence is a booking of its own for durations, notice, the booking window,
 *   working hours and conflicts (`scope: "booking"`); who organizes, how many are invited, whether
 *   recurring meetings are allowed and how far a series reaches are the series' (`scope: "series"`).
 * - Conflicts: a booking conflicts with an overlapping one made before it (first come, first
 *   served; a booking moved onto a taken slot is the later one).
 */
import { DateTime } from 'luxon';
import { minutesOf, WEEKDAYS, type PolicyRules, type RuleKey, type Weekday } from './policy.schema.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface SeriesFacts {
  /** The series master's event id in the room's calendar. */
  masterId: string;
  /** When the series was made or last changed. */
  bookedAt: Date;
  /** When its last occurrence ends; null when it has no end date. */
  end: Date | null;
}

export interface BookingFacts {
  id: string;
  start: Date;
  end: Date;
  isAllDay: boolean;
  /** When the booking was made, or last changed in what the policy looks at (times, invitees). */
  bookedAt: Date;
  organizerEmail: string | null;
  /** People invited: the organizer and every attendee who is not a resource (rooms, equipment). */
  attendeeCount: number;
  /** Present for an occurrence or exception of a series. */
  series?: SeriesFacts;
}

export interface OtherBooking {
  id: string;
  start: Date;
  end: Date;
  isAllDay: boolean;
  /** Null for a booking mirrored before bookings carried it: counts as made first. */
  bookedAt: Date | null;
}

export interface EvaluationContext {
  /** The room's other bookings that hold it (confirmed or tentative). */
  others: readonly OtherBooking[];
  /** The organizer's ONES groups; null when the organizer is not an active synced user. */
  organizerGroups: readonly string[] | null;
  roomCapacity: number | null;
  /** Names of ONES groups, for the sentence of `allowedGroupIds`. */
  groupNames?: ReadonlyMap<string, string>;
}

export type Verdict = { ok: true } | { ok: false; rule: RuleKey; scope: 'booking' | 'series'; sentence: string };

const OK: Verdict = { ok: true };

export function evaluateBooking(rules: PolicyRules, booking: BookingFacts, ctx: EvaluationContext): Verdict {
  const zone = rules.workingHours?.timeZone ?? 'UTC';
  const seriesScope = booking.series ? 'series' : 'booking';
  const broken = (rule: RuleKey, sentence: string, scope: 'booking' | 'series' = 'booking'): Verdict => ({
    ok: false,
    rule,
    scope,
    sentence,
  });

  if (rules.allowedGroupIds && !inAllowedGroup(rules.allowedGroupIds, ctx.organizerGroups)) {
    const names = rules.allowedGroupIds.map((id) => ctx.groupNames?.get(id) ?? id).join(', ');
    const who = booking.organizerEmail ?? 'the organizer';
    return broken(
      'allowedGroupIds',
      `Only members of ${names} may book this room; ${who} ${ctx.organizerGroups === null ? 'is not a known ONES user' : 'is not in those groups'}.`,
      seriesScope,
    );
  }
  if (booking.series && rules.allowRecurring === false)
    return broken('allowRecurring', 'Recurring meetings cannot be booked in this room.', 'series');
  if (booking.series && rules.maxRecurrenceDays !== undefined) {
    const limit = booking.series.bookedAt.getTime() + rules.maxRecurrenceDays * DAY;
    if (booking.series.end === null)
      return broken(
        'maxRecurrenceDays',
        `A recurring meeting in this room must end within ${plural(rules.maxRecurrenceDays, 'day')}; this series has no end date.`,
        'series',
      );
    if (booking.series.end.getTime() > limit)
      return broken(
        'maxRecurrenceDays',
        `A recurring meeting in this room must end within ${plural(rules.maxRecurrenceDays, 'day')}; this series ends on ${dateIn(booking.series.end, zone)}.`,
        'series',
      );
  }
  if (rules.enforceCapacity && ctx.roomCapacity !== null && booking.attendeeCount > ctx.roomCapacity)
    return broken(
      'enforceCapacity',
      `This room holds ${plural(ctx.roomCapacity, 'person', 'people')}; this meeting invites ${booking.attendeeCount}.`,
      seriesScope,
    );

  const span = occupied(booking, zone);
  const length = booking.isAllDay ? allDayDays(booking) * 1440 : Math.round((span.end - span.start) / MINUTE);
  if (rules.minDurationMinutes !== undefined && length < rules.minDurationMinutes)
    return broken(
      'minDurationMinutes',
      `Bookings of this room must last at least ${plural(rules.minDurationMinutes, 'minute')}; this one lasts ${plural(length, 'minute')}.`,
    );
  if (rules.maxDurationMinutes !== undefined && length > rules.maxDurationMinutes)
    return broken(
      'maxDurationMinutes',
      `Bookings of this room may last at most ${plural(rules.maxDurationMinutes, 'minute')}; this one lasts ${plural(length, 'minute')}.`,
    );
  const lead = span.start - booking.bookedAt.getTime();
  if (rules.minNoticeMinutes !== undefined && lead < rules.minNoticeMinutes * MINUTE)
    return broken(
      'minNoticeMinutes',
      `This room must be booked at least ${plural(rules.minNoticeMinutes, 'minute')} before the meeting starts; this booking was made ${lead <= 0 ? 'after it started' : `${plural(Math.floor(lead / MINUTE), 'minute')} before`}.`,
    );
  if (rules.bookingWindowDays !== undefined && lead > rules.bookingWindowDays * DAY)
    return broken(
      'bookingWindowDays',
      `This room can be booked at most ${plural(rules.bookingWindowDays, 'day')} ahead; this booking starts ${plural(Math.ceil(lead / DAY), 'day')} ahead.`,
    );
  if (rules.workingHours) {
    const outside = outsideWorkingHours(rules.workingHours, booking);
    if (outside)
      return broken(
        'workingHours',
        `This room can be booked ${describeHours(rules.workingHours)}; this booking is ${outside}.`,
      );
  }
  if (rules.allowConflicts === false) {
    const taken = ctx.others.find(
      (o) => o.id !== booking.id && madeBefore(o, booking) && overlaps(occupied(o, zone), span),
    );
    if (taken) {
      const t = occupied(taken, zone);
      return broken(
        'allowConflicts',
        `This room is already booked at that time (${timeIn(t.start, zone)}–${timeIn(t.end, zone)} on ${dateIn(new Date(t.start), zone)}, ${zone}).`,
      );
    }
  }
  return OK;
}

function inAllowedGroup(allowed: readonly string[], groups: readonly string[] | null): boolean {
  return groups !== null && groups.some((g) => allowed.includes(g));
}

function madeBefore(other: OtherBooking, booking: BookingFacts): boolean {
  if (other.bookedAt === null) return true;
  const a = other.bookedAt.getTime();
  const b = booking.bookedAt.getTime();
  return a < b || (a === b && other.id < booking.id);
}

interface Span {
  start: number;
  end: number;
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The instants a booking holds the room: its times, or an all-day booking's dates in `zone`. */
function occupied(b: { start: Date; end: Date; isAllDay: boolean }, zone: string): Span {
  if (!b.isAllDay) return { start: b.start.getTime(), end: b.end.getTime() };
  const day = (d: Date) => DateTime.fromISO(d.toISOString().slice(0, 10), { zone }).toMillis();
  return { start: day(b.start), end: day(b.end) };
}

/** The dates an all-day booking covers (its start's date up to, not including, its end's). */
function allDayDates(b: { start: Date; end: Date }): string[] {
  const out: string[] = [];
  const last = b.end.toISOString().slice(0, 10);
  for (let d = DateTime.fromISO(b.start.toISOString().slice(0, 10), { zone: 'UTC' }); ; d = d.plus({ days: 1 })) {
    const iso = d.toISODate()!;
    if (iso >= last && out.length > 0) break;
    out.push(iso);
    if (out.length > 3660) break;
  }
  return out;
}

function allDayDays(b: { start: Date; end: Date }): number {
  return allDayDates(b).length;
}

function weekdayOf(dt: DateTime): Weekday {
  return WEEKDAYS[dt.weekday - 1]!;
}

/** Null when the booking keeps the working hours; else how it falls outside them, in words. */
function outsideWorkingHours(wh: NonNullable<PolicyRules['workingHours']>, b: BookingFacts): string | null {
  if (b.isAllDay) {
    const off = allDayDates(b).find((iso) => !wh.days.includes(weekdayOf(DateTime.fromISO(iso, { zone: 'UTC' }))));
    return off
      ? `an all-day booking that covers ${capital(weekdayOf(DateTime.fromISO(off, { zone: 'UTC' })))} ${off}`
      : null;
  }
  const s = DateTime.fromJSDate(b.start, { zone: wh.timeZone });
  const e = DateTime.fromJSDate(b.end, { zone: wh.timeZone });
  const when = `on ${capital(weekdayOf(s))} ${s.toISODate()}, ${s.toFormat('HH:mm')}–${e.toFormat('HH:mm')} (${wh.timeZone})`;
  if (!wh.days.includes(weekdayOf(s))) return when;
  const startMin = s.hour * 60 + s.minute + s.second / 60;
  const sameDay = e.toISODate() === s.toISODate();
  const endsAtMidnight =
    e.toISODate() === s.plus({ days: 1 }).toISODate() && e.hour === 0 && e.minute === 0 && e.second === 0;
  if (!sameDay && !endsAtMidnight) return when;
  const endMin = endsAtMidnight ? 1440 : e.hour * 60 + e.minute + e.second / 60;
  return startMin < minutesOf(wh.start) || endMin > minutesOf(wh.end) ? when : null;
}

function describeHours(wh: NonNullable<PolicyRules['workingHours']>): string {
  const ordered = WEEKDAYS.filter((d) => wh.days.includes(d));
  const idx = ordered.map((d) => WEEKDAYS.indexOf(d));
  const contiguous = idx.every((v, i) => i === 0 || v === idx[i - 1]! + 1);
  const days =
    ordered.length === 1
      ? `on ${capital(ordered[0]!)}s`
      : contiguous
        ? `${capital(ordered[0]!)} to ${capital(ordered[ordered.length - 1]!)}`
        : `on ${ordered.map(capital).join(', ')}`;
  return `${days}, ${wh.start}–${wh.end} (${wh.timeZone})`;
}

function timeIn(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('HH:mm');
}

function dateIn(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toISODate()!;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
