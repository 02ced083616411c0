/**
 * The booking policy on a room's calendar page. Before the page's transaction: which of its
 * bookings to check (made or changed, in what the policy looks at, since the policy was saved;
 * never one this service wrote), what holds the room around them, and the verdicts. Inside the
 * transaction: each violation recorded on its booking and, in enforce mode, its decline recorded
 * (one per version of the event) before anything is sent; a booking that keeps the policy now
 * loses an old violation. The declines are sent after the commit, still under the room's lease.
 */
import { declineComment, type RoomPolicy } from '@ones-m365/shared/bookings';
import {
  HOLDING_STATUSES,
  type BookingRepository,
  type BookingRow,
  type StoredBooking,
  type SyncUnitOfWork,
} from '@ones-m365/shared/db';
import {
  checkBookings,
  type Candidate,
  type PoolBooking,
  type SeriesInfo,
  type Violation,
} from '../../bookings/check-bookings.js';
import { gatherPolicyFacts, type PolicyFactsDeps } from '../../bookings/policy-facts.js';

const DAY = 86_400_000;

/** The policy a room's run applies, and when it was saved (bookings made before are not checked). */
export interface CalendarPolicy {
  room: RoomPolicy;
  savedAt: Date;
}

export interface CalendarPolicyEnv {
  policy: CalendarPolicy | null;
  facts: PolicyFactsDeps;
  /** Series masters read in this run. */
  seriesCache: Map<string, SeriesInfo | null>;
  bookings: Pick<BookingRepository, 'holding'>;
}

export interface PagePlan {
  violations: Violation[];
  passed: string[];
}

export const NO_PLAN: PagePlan = { violations: [], passed: [] };

export async function planPagePolicy(
  env: CalendarPolicyEnv,
  scope: {
    integrationId: string;
    roomId: string;
    roomEmail: string;
    capacity: number | null;
    conn: Parameters<typeof gatherPolicyFacts>[1];
  },
  rows: readonly BookingRow[],
  stored: ReadonlyMap<string, StoredBooking>,
  ones: ReadonlySet<string>,
): Promise<PagePlan> {
  const policy = env.policy;
  if (!policy?.room.enabled) return NO_PLAN;
  const holding = (s: string) => (HOLDING_STATUSES as readonly string[]).includes(s);
  const candidates: Candidate[] = [];
  for (const r of rows) {
    const st = stored.get(r.graphEventId);
    if (ones.has(r.graphEventId) || st?.source === 'ones' || !holding(r.status) || !r.bookedAt) continue;
    if (st && st.fingerprint === r.fingerprint) continue;
    if (r.bookedAt < policy.savedAt) continue;
    candidates.push({
      eventId: r.graphEventId,
      changeKey: r.changeKey,
      seriesMasterId: r.seriesMasterId,
      facts: {
        id: r.graphEventId,
        start: r.startAt,
        end: r.endAt,
        isAllDay: r.isAllDay,
        bookedAt: r.bookedAt,
        organizerEmail: r.organizerEmail,
        attendeeCount: r.attendeeCount ?? 1,
      },
    });
  }
  if (candidates.length === 0) return NO_PLAN;
  const from = new Date(Math.min(...candidates.map((c) => c.facts.start.getTime())) - DAY);
  const to = new Date(Math.max(...candidates.map((c) => c.facts.end.getTime())) + DAY);
  const enforce = policy.room.mode === 'enforce';
  const onPage = new Set(rows.map((r) => r.graphEventId));
  const pool: PoolBooking[] = [
    ...(await env.bookings.holding(scope.roomId, from, to))
      .filter((b) => !onPage.has(b.graphEventId) && !(enforce && b.policyViolation))
      .map((b) => ({
        id: b.graphEventId,
        start: b.startAt,
        end: b.endAt,
        isAllDay: b.isAllDay,
        bookedAt: b.bookedAt,
        seriesMasterId: b.seriesMasterId,
      })),
    ...rows
      .filter((r) => holding(r.status))
      .filter(
        (r) =>
          !(
            enforce &&
            stored.get(r.graphEventId)?.policyViolation &&
            !candidates.some((c) => c.eventId === r.graphEventId)
          ),
      )
      .map((r) => ({
        id: r.graphEventId,
        start: r.startAt,
        end: r.endAt,
        isAllDay: r.isAllDay,
        bookedAt: r.bookedAt,
        seriesMasterId: r.seriesMasterId,
      })),
  ];
  const facts = await gatherPolicyFacts(
    env.facts,
    scope.conn,
    { integrationId: scope.integrationId, roomEmail: scope.roomEmail, policy: policy.room },
    candidates,
    { seriesSince: policy.savedAt, cache: env.seriesCache },
  );
  return checkBookings({ policy: policy.room, candidates, pool, capacity: scope.capacity, ...facts });
}

/** Inside the page's transaction, after its upsert: violations on the bookings, declines recorded. */
export async function applyPagePolicy(
  tx: Pick<SyncUnitOfWork, 'bookings' | 'bookingDeclines'>,
  scope: { integrationId: string; roomId: string; policy: RoomPolicy },
  plan: PagePlan,
  reason: 'policy' | 'recheck' = 'policy',
): Promise<void> {
  if (plan.violations.length === 0 && plan.passed.length === 0) return;
  const rows = await tx.bookings.storedByEventIds(scope.roomId, [
    ...plan.violations.map((v) => v.eventId),
    ...plan.passed,
  ]);
  await recordViolations(tx, scope, plan.violations, (eventId) => rows.get(eventId)?.id, reason);
  const cleared = plan.passed.map((id) => rows.get(id)).filter((r) => r?.policyViolation);
  await tx.bookings.setViolation(
    cleared.map((r) => r!.id),
    null,
  );
}

/** Each violation on its booking; in enforce mode its decline recorded (one per version), and a booking whose version was declined already marked so. */
export async function recordViolations(
  tx: Pick<SyncUnitOfWork, 'bookings' | 'bookingDeclines'>,
  scope: { integrationId: string; roomId: string; policy: RoomPolicy },
  violations: readonly Violation[],
  bookingIdOf: (eventId: string) => string | undefined,
  reason: 'policy' | 'recheck',
): Promise<void> {
  const byMessage = new Map<string, string[]>();
  for (const v of violations) {
    const id = bookingIdOf(v.eventId);
    if (!id) continue;
    const json = JSON.stringify({ rule: v.verdict.rule, message: v.verdict.sentence });
    byMessage.set(json, [...(byMessage.get(json) ?? []), id]);
  }
  for (const [json, ids] of byMessage) await tx.bookings.setViolation(ids, json);
  if (scope.policy.mode !== 'enforce') return;
  const intents = violations
    .filter((v) => bookingIdOf(v.eventId))
    .map((v) => ({
      integrationId: scope.integrationId,
      roomId: scope.roomId,
      bookingId: bookingIdOf(v.eventId)!,
      graphEventId: v.target.eventId,
      changeKey: v.target.changeKey,
      seriesMasterId: v.target.seriesMasterId,
      reason,
      rule: v.verdict.rule,
      comment: declineComment(scope.policy, v.verdict.sentence),
    }));
  const recorded = await tx.bookingDeclines.record(intents);
  const done = intents.filter((_, i) => recorded[i]!.status === 'declined').map((d) => d.bookingId);
  if (done.length) await tx.bookings.markAnswered(done, 'declined', new Date());
}
