/**
 * Applies a room's policy to a set of bookings at once (a calendar page, or a recheck): each is
 * evaluated by the pure `evaluateBooking`, first booked first, against the bookings holding the
 * room around it; in enforce mode a booking found breaking a rule stops holding the room for the
 * ones after it (it is being declined). A verdict of the series is aimed at the series master.
 */
import {
  evaluateBooking,
  type BookingFacts,
  type OtherBooking,
  type RoomPolicy,
  type SeriesFacts,
  type Verdict,
} from '@ones-m365/shared/bookings';

export interface Candidate {
  eventId: string;
  changeKey: string | null;
  seriesMasterId: string | null;
  facts: Omit<BookingFacts, 'series'>;
}

export interface PoolBooking extends OtherBooking {
  seriesMasterId: string | null;
}

/** A series master as the policy sees it, with the version a decline of it is recorded under. */
export interface SeriesInfo {
  facts: SeriesFacts;
  changeKey: string;
}

export interface CheckInput {
  policy: RoomPolicy;
  candidates: Candidate[];
  /** Every booking that holds the room around the candidates (the candidates may be among them). */
  pool: PoolBooking[];
  /** Active synced users by lower-cased email → their ONES groups. */
  organizers: ReadonlyMap<string, readonly string[]>;
  capacity: number | null;
  groupNames?: ReadonlyMap<string, string>;
  /** Masters of the series checked as series (made or changed since the policy was saved). */
  series: ReadonlyMap<string, SeriesInfo>;
}

export type BrokenVerdict = Extract<Verdict, { ok: false }>;

export interface Violation {
  eventId: string;
  verdict: BrokenVerdict;
  /** What the room declines: the booking itself, or its series' master. */
  target: { eventId: string; changeKey: string; seriesMasterId: string | null };
}

export function checkBookings(input: CheckInput): { violations: Violation[]; passed: string[] } {
  const order = [...input.candidates].sort(
    (a, b) => a.facts.bookedAt.getTime() - b.facts.bookedAt.getTime() || a.eventId.localeCompare(b.eventId),
  );
  let pool = input.pool;
  const violations: Violation[] = [];
  const passed: string[] = [];
  for (const c of order) {
    const series = c.seriesMasterId ? input.series.get(c.seriesMasterId) : undefined;
    const booking: BookingFacts = { ...c.facts, ...(series ? { series: series.facts } : {}) };
    const organizer = c.facts.organizerEmail?.toLowerCase();
    const verdict = evaluateBooking(input.policy.rules, booking, {
      others: pool.filter((o) => o.id !== c.eventId),
      organizerGroups: (organizer ? input.organizers.get(organizer) : undefined) ?? null,
      roomCapacity: input.capacity,
      ...(input.groupNames ? { groupNames: input.groupNames } : {}),
    });
    if (verdict.ok) {
      passed.push(c.eventId);
      continue;
    }
    const onSeries = verdict.scope === 'series' && series && c.seriesMasterId;
    violations.push({
      eventId: c.eventId,
      verdict,
      target: onSeries
        ? { eventId: c.seriesMasterId!, changeKey: series.changeKey, seriesMasterId: c.seriesMasterId }
        : { eventId: c.eventId, changeKey: c.changeKey ?? '', seriesMasterId: null },
    });
    if (input.policy.mode === 'enforce')
      pool = pool.filter((o) => o.id !== c.eventId && !(onSeries && o.seriesMasterId === c.seriesMasterId));
  }
  return { violations, passed };
}
