/**
 * A room's calendar event (as calendarView delta gives it) → a booking row, or the reason it is
 * skipped: bad data from Graph (no start or end, a time zone other than the UTC we asked for, an
 * end before the start, an oversized id or attendee list) never stops the round; the run names
 * the event in a warning.
 */
import { createHash } from 'node:crypto';
import { countInvited } from '@ones-m365/shared/bookings';
import type { BookingRow, BookingStatus, BookingType } from '@ones-m365/shared/db';
import type { GraphEvent } from '@ones-m365/shared/graph';

/** Outlook's own limit on a meeting's attendees is 500; anything far past it is not a real booking. */
export const MAX_ATTENDEES = 1000;
const MAX_ID = 255;
const TYPES: readonly BookingType[] = ['singleInstance', 'occurrence', 'exception', 'seriesMaster'];
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export interface BookingContext {
  integrationId: string;
  roomId: string;
  /** The full round that sees the row (null in a delta round). */
  round: string | null;
}

export type Mapped = { row: BookingRow } | { skipped: string };

export function toBookingRow(ev: GraphEvent, ctx: BookingContext): Mapped {
  const bad = badData(ev);
  if (bad) return { skipped: `event ${clip(ev.id, 80)} skipped: ${bad}` };
  return {
    row: {
      integrationId: ctx.integrationId,
      roomId: ctx.roomId,
      graphEventId: ev.id,
      iCalUId: ev.iCalUId && ev.iCalUId.length <= MAX_ID ? ev.iCalUId : null,
      seriesMasterId: ev.seriesMasterId && ev.seriesMasterId.length <= MAX_ID ? ev.seriesMasterId : null,
      type: TYPES.includes(ev.type as BookingType) ? (ev.type as BookingType) : 'singleInstance',
      changeKey: ev.changeKey && ev.changeKey.length <= MAX_ID ? ev.changeKey : null,
      subject: isPrivate(ev) ? null : clip(ev.subject, 255),
      organizerEmail: clip(ev.organizer?.address?.toLowerCase() ?? null, 320),
      organizerName: clip(ev.organizer?.name ?? null, 255),
      startAt: new Date(ev.start!),
      endAt: new Date(ev.end!),
      isAllDay: ev.isAllDay,
      status: statusOf(ev),
      seenRound: ctx.round,
      // Provisional: the page keeps the stored time when what the policy looks at did not change.
      bookedAt: instantOf(ev.lastModifiedDateTime) ?? instantOf(ev.createdDateTime),
      fingerprint: policyFingerprint(ev),
      attendeeCount: countInvited(ev.organizer?.address ?? null, ev.attendees),
    },
  };
}

/**
 * What the booking policy looks at, hashed: times, all-day, organizer, invitees (address and
 * type), series. A new version whose fingerprint is unchanged (a new subject, the room's own
 * response) is not checked again.
 */
export function policyFingerprint(ev: GraphEvent): string {
  const invitees = ev.attendees.map((a) => `${(a.address ?? '').toLowerCase()} ${a.type ?? ''}`).sort();
  return createHash('sha256')
    .update(
      JSON.stringify([
        ev.start,
        ev.end,
        ev.isAllDay,
        ev.organizer?.address?.toLowerCase() ?? null,
        invitees,
        ev.seriesMasterId,
      ]),
    )
    .digest('hex');
}

function instantOf(v: string | null): Date | null {
  const t = v === null ? NaN : Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t);
}

function badData(ev: GraphEvent): string | null {
  if (ev.id.length > MAX_ID) return 'its id is longer than 255 characters';
  if (!ev.start || !ev.end) return 'it has no start or end';
  if (!UTC_ISO.test(ev.start) || !UTC_ISO.test(ev.end))
    return `its time zone is not UTC (start ${clip(ev.start, 40)}, end ${clip(ev.end, 40)})`;
  if (Date.parse(ev.end) < Date.parse(ev.start)) return 'it ends before it starts';
  if (ev.attendees.length > MAX_ATTENDEES)
    return `it has ${ev.attendees.length} attendees (more than ${MAX_ATTENDEES})`;
  return null;
}

/** Private and confidential events show no subject (contract: `subject` null for private events). */
function isPrivate(ev: GraphEvent): boolean {
  return ev.sensitivity === 'private' || ev.sensitivity === 'confidential';
}

/** The room's view: cancelled by the organizer, declined or tentatively taken by the room, else confirmed. */
function statusOf(ev: GraphEvent): BookingStatus {
  if (ev.isCancelled) return 'cancelled';
  if (ev.responseStatus === 'declined') return 'declined';
  if (ev.responseStatus === 'tentativelyAccepted' || ev.showAs === 'tentative') return 'tentative';
  return 'confirmed';
}

function clip(v: string | null, max: number): string | null {
  return v === null ? null : v.length > max ? v.slice(0, max) : v;
}
