/**
 * The room's stream lease (the calendar runner's own lock), for work on a room outside a calendar
 * run: sending its pending declines, a recheck. Waits a little for a run that holds it.
 */
import { formatStreamKey, type Coordination, type HeldLock } from '@ones-m365/shared/sync';

export async function takeRoomLease(
  coordination: Pick<Coordination, 'acquireLock'>,
  target: { integrationId: string; roomId: string },
  leaseMs: number,
  waitMs: number,
): Promise<HeldLock | null> {
  const stream = formatStreamKey({ kind: 'calendar', roomId: target.roomId });
  const until = Date.now() + waitMs;
  for (;;) {
    const lock = await coordination.acquireLock({ integrationId: target.integrationId, stream }, leaseMs);
    if (lock || Date.now() >= until) return lock;
    await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 150)));
  }
}
