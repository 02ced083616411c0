/**
 * Mass-deactivation guard: a round that would deactivate more than `threshold` of the users that
 * were active when it began stops before deactivating and asks (design.md). Below
 * GUARD_MIN_USERS deactivations it never trips, so a small tenant's ordinary leaver goes through.
 * The count spans the round (every run resuming it), so re-running cannot creep past the guard.
 */
import type { SyncRunEntity, SyncRunRepository, SyncStateRepository } from '@ones-m365/shared/db';
import { addWarnings } from '../runner/run-warnings.js';
import { checkpointState } from '../runner/stream-state.js';
import type { UsersCheckpoint } from './users-checkpoint.js';
import { USERS_STREAM } from './users-env.js';

export const GUARD_MIN_USERS = 10;

export function exceedsGuard(cp: UsersCheckpoint, more: number, threshold: number): boolean {
  const total = cp.deactivated + more;
  return !cp.confirmed && more > 0 && total >= GUARD_MIN_USERS && total > threshold * cp.activeAtStart;
}

export interface GuardStore {
  syncRuns: Pick<SyncRunRepository, 'get'>;
  syncStates: Pick<SyncStateRepository, 'save'>;
}

/**
 * Decides whether `more` deactivations may be written now. Mutates `cp.confirmed` when an admin
 * confirmed one of the round's stopped runs; else records the stop (run `needs_confirmation`).
 */
export async function passGuard(
  store: GuardStore,
  ctx: { integrationId: string; run: Pick<SyncRunEntity, 'id' | 'status' | 'warnings'>; threshold: number },
  cp: UsersCheckpoint,
  more: number,
): Promise<boolean> {
  if (!exceedsGuard(cp, more, ctx.threshold)) return true;
  for (const id of cp.pendingConfirmation ?? []) {
    if ((await store.syncRuns.get(id))?.status === 'confirmed') {
      cp.confirmed = true;
      return true;
    }
  }
  const total = cp.deactivated + more;
  cp.pendingConfirmation = [...(cp.pendingConfirmation ?? []).slice(-9), ctx.run.id];
  await store.syncStates.save(ctx.integrationId, USERS_STREAM, {
    ...checkpointState(cp),
    status: 'needs_confirmation',
  });
  ctx.run.status = 'needs_confirmation';
  addWarnings(ctx.run, [
    `this sync would deactivate ${total} of ${cp.activeAtStart} active users (more than ${Math.round(ctx.threshold * 100)} %); ` +
      `it stopped before deactivating them: confirm with POST /api/v1/integrations/${ctx.integrationId}/sync-runs/${ctx.run.id}/confirm`,
  ]);
  return false;
}
