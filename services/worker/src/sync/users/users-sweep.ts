/** The end of a full load: deactivate the active users it did not see (with their events), then end the round. */
import { assertLockHeld } from '../runner/lock-lost-error.js';
import { passGuard } from './deactivation-guard.js';
import { endUsersRound } from './round-end.js';
import type { RoundEnv } from './users-env.js';
import type { Round } from './users-page.js';

export async function sweepUnseen(env: RoundEnv, round: Round): Promise<'done' | 'stop'> {
  const cp = { ...round.cp };
  const unseen = cp.marker ? await env.store.users.countUnseen(env.integrationId, cp.marker) : 0;
  if (
    !(await passGuard(
      env.store,
      { integrationId: env.integrationId, run: env.run, threshold: env.threshold },
      cp,
      unseen,
    ))
  ) {
    round.cp = cp;
    return 'stop';
  }
  assertLockHeld(env.lock);
  const swept = await env.store.transaction(async (tx) => {
    const n = cp.marker
      ? await tx.users.deactivateActive(env.integrationId, 'deleted', tx.events, { unseenMarker: cp.marker })
      : 0;
    await endUsersRound(
      tx,
      env.integrationId,
      { deltaLink: cp.deltaLink ?? null, refusedCards: cp.refusedCards },
      env.run,
    );
    await tx.syncRuns.save({ ...env.run, deactivated: env.run.deactivated + n, graphRequests: env.graphRequests() });
    return n;
  });
  env.run.deactivated += swept;
  return 'done';
}
