/**
 * Today's policy applied to one room's existing future bookings (from Outlook; bookings made in
 * ONES were checked when made), all of them, whenever they were made. A dry run lists what would
 * be declined; otherwise, under the room's lease, each violation is recorded and, in enforce mode,
 * declined once per version of the event, exactly as on import.
 */
import { declineComment, type RoomPolicy } from '@ones-m365/shared/bookings';
import type { BookingRepository, Repositories, RoomBookingEntity } from '@ones-m365/shared/db';
import type { GraphConnection } from '@ones-m365/shared/graph';
import { checkBookings, type Candidate, type SeriesInfo, type Violation } from './check-bookings.js';
import { gatherPolicyFacts, type PolicyFactsDeps } from './policy-facts.js';
import { recordViolations } from '../sync/calendars/calendar-policy.js';

const DAY = 86_400_000;

export interface RecheckItem {
  bookingId: string;
  roomId: string;
  roomEmail: string;
  subject: string | null;
  start: string;
  end: string;
  rule: string;
  message: string;
  /** What the room's decline would carry. */
  comment: string;
}

export interface RecheckRoomDeps {
  bookings: Pick<BookingRepository, 'forRecheck' | 'holding'>;
  transaction: Repositories['transaction'];
  facts: PolicyFactsDeps;
}

export async function recheckRoom(
  deps: RecheckRoomDeps,
  conn: GraphConnection,
  room: { id: string; integrationId: string; email: string; capacity: number | null },
  policy: RoomPolicy,
  window: { from: Date; to: Date | null },
  record: boolean,
): Promise<{ checked: number; items: RecheckItem[] }> {
  const bookings = await deps.bookings.forRecheck(room.id, window.from, window.to);
  if (bookings.length === 0) return { checked: 0, items: [] };
  const byEvent = new Map(bookings.map((b) => [b.graphEventId, b]));
  const candidates: Candidate[] = bookings.map((b) => ({
    eventId: b.graphEventId,
    changeKey: b.changeKey,
    seriesMasterId: b.seriesMasterId,
    facts: {
      id: b.graphEventId,
      start: b.startAt,
      end: b.endAt,
      isAllDay: b.isAllDay,
      bookedAt: b.bookedAt ?? b.createdAt,
      organizerEmail: b.organizerEmail,
      attendeeCount: b.attendeeCount ?? 1,
    },
  }));
  const from = new Date(Math.min(...bookings.map((b) => b.startAt.getTime())) - DAY);
  const to = new Date(Math.max(...bookings.map((b) => b.endAt.getTime())) + DAY);
  const pool = (await deps.bookings.holding(room.id, from, to)).map((b) => ({
    id: b.graphEventId,
    start: b.startAt,
    end: b.endAt,
    isAllDay: b.isAllDay,
    bookedAt: b.bookedAt,
    seriesMasterId: b.seriesMasterId,
  }));
  const facts = await gatherPolicyFacts(
    deps.facts,
    conn,
    { integrationId: room.integrationId, roomEmail: room.email, policy },
    candidates,
    { seriesSince: null, cache: new Map<string, SeriesInfo | null>() },
  );
  const { violations } = checkBookings({ policy, candidates, pool, capacity: room.capacity, ...facts });
  if (record && violations.length)
    await deps.transaction((tx) =>
      recordViolations(
        tx,
        { integrationId: room.integrationId, roomId: room.id, policy },
        violations,
        (eventId) => byEvent.get(eventId)?.id,
        'recheck',
      ),
    );
  // A series broken as a series is one item (its first occurrence), as it is one decline.
  const seen = new Set<string>();
  const once = violations.filter((v) => {
    const key = `${v.target.eventId}\n${v.target.changeKey}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { checked: bookings.length, items: once.map((v) => item(v, byEvent.get(v.eventId)!, room, policy)) };
}

function item(v: Violation, b: RoomBookingEntity, room: { email: string }, policy: RoomPolicy): RecheckItem {
  return {
    bookingId: b.id,
    roomId: b.roomId,
    roomEmail: room.email,
    subject: b.subject,
    start: b.startAt.toISOString(),
    end: b.endAt.toISOString(),
    rule: v.verdict.rule,
    message: v.verdict.sentence,
    comment: declineComment(policy, v.verdict.sentence),
  };
}
