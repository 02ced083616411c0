/**
 * Sends one recorded decline to Graph and settles it with the answer, in one transaction with
 * what it means for the bookings: 202 → the decline is `declined` and its bookings (a series: every
 * occurrence still holding the room) turn `declined`, or `released` for a release; 404 → recorded
 * as `not_found` (the event was gone already; a release still frees the booking); 429 and other
 * passing failures → stays pending for a later attempt (the caller schedules it); anything else →
 * `failed`, with Graph's error kept. The caller holds the room's stream lease, and checks it first.
 */
import type { BookingDeclineEntity, Repositories } from '../db/index.js';
import {
  GraphNotFoundError,
  GraphThrottledError,
  GraphTransientError,
  type GraphClient,
  type GraphConnection,
} from '../graph/index.js';

export type DeclineOutcome =
  | { kind: 'declined' | 'not_found' | 'failed'; error?: string }
  | { kind: 'retry'; retryAfterMs: number | null; error: string };

export interface SendDeclineDeps {
  graph: Pick<GraphClient, 'declineEvent'>;
  transaction: Repositories['transaction'];
  now?: () => Date;
}

export async function sendDecline(
  deps: SendDeclineDeps,
  conn: GraphConnection,
  roomEmail: string,
  decline: BookingDeclineEntity,
): Promise<DeclineOutcome> {
  const now = deps.now ?? (() => new Date());
  let outcome: DeclineOutcome;
  try {
    await deps.graph.declineEvent(conn, roomEmail, decline.graphEventId, decline.comment);
    outcome = { kind: 'declined' };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof GraphNotFoundError) outcome = { kind: 'not_found', error: message };
    else if (err instanceof GraphThrottledError)
      outcome = { kind: 'retry', retryAfterMs: err.retryAfterMs, error: message };
    else if (err instanceof GraphTransientError) outcome = { kind: 'retry', retryAfterMs: null, error: message };
    else outcome = { kind: 'failed', error: message };
  }
  await deps.transaction(async (tx) => {
    if (outcome.kind === 'retry') return await tx.bookingDeclines.retryLater(decline.id, outcome.error);
    const at = now();
    await tx.bookingDeclines.settle(decline.id, outcome.kind, outcome.error ?? null, at);
    const freed = outcome.kind === 'declined' || (outcome.kind === 'not_found' && decline.reason === 'release');
    if (!freed) return;
    const ids = decline.seriesMasterId
      ? [...new Set([decline.bookingId, ...(await tx.bookings.idsOfSeries(decline.roomId, decline.seriesMasterId))])]
      : [decline.bookingId];
    await tx.bookings.markAnswered(ids, decline.reason === 'release' ? 'released' : 'declined', at);
  });
  return outcome;
}
