/**
 * Sends a room's pending declines, oldest first, under the room's stream lease (checked before
 * each call): each one once Graph takes it. A throttled or unavailable mailbox stops the drain:
 * what is left stays pending for the `booking.decline` job (or the room's next run).
 */
import { sendDecline, type SendDeclineDeps } from '@ones-m365/shared/bookings';
import type { BookingDeclineRepository } from '@ones-m365/shared/db';
import type { GraphConnection } from '@ones-m365/shared/graph';
import type { Producer } from '@ones-m365/shared/queue';
import { assertLockHeld } from '../sync/runner/lock-lost-error.js';

export interface DrainDeps extends SendDeclineDeps {
  bookingDeclines: Pick<BookingDeclineRepository, 'pending'>;
}

export interface DrainResult {
  declined: number;
  notFound: number;
  failed: number;
  /** Set when Graph asked to wait: the pending rest waits this long (null: Graph named no time). */
  retry?: { retryAfterMs: number | null };
}

export async function drainDeclines(
  deps: DrainDeps,
  conn: GraphConnection,
  room: { id: string; email: string },
  lock: { readonly lost: boolean },
): Promise<DrainResult> {
  const result: DrainResult = { declined: 0, notFound: 0, failed: 0 };
  for (const decline of await deps.bookingDeclines.pending(room.id)) {
    assertLockHeld(lock);
    const outcome = await sendDecline(deps, conn, room.email, decline);
    if (outcome.kind === 'retry') return { ...result, retry: { retryAfterMs: outcome.retryAfterMs } };
    if (outcome.kind === 'declined') result.declined++;
    else if (outcome.kind === 'not_found') result.notFound++;
    else result.failed++;
  }
  return result;
}

/** Once a mailbox asked to wait: one `booking.decline` job per room sends the rest later. */
export async function scheduleDeclines(
  producer: Pick<Producer, 'enqueue'>,
  target: { integrationId: string; roomId: string },
  retryAfterMs: number | null,
): Promise<void> {
  await producer.enqueue('booking.decline', target, {
    delay: retryAfterMs ?? 5_000,
    deduplication: { id: `booking-decline:${target.integrationId}:${target.roomId}` },
  });
}
