/**
 * The end of a users round, written in the transaction of its last write (the last delta page, or
 * the full load's sweep): the cards refused earlier in the round go to their claimants where they
 * are free now, and the stream's state gets the deltaLink to follow next time.
 */
import type { SyncRunEntity, SyncUnitOfWork } from '@ones-m365/shared/db';
import { addWarnings } from '../runner/run-warnings.js';
import { roundEndState } from '../runner/stream-state.js';
import type { CardClaim } from './users-checkpoint.js';
import { USERS_STREAM } from './users-env.js';

export async function endUsersRound(
  tx: Pick<SyncUnitOfWork, 'users' | 'syncStates' | 'events'>,
  integrationId: string,
  end: { deltaLink: string | null; refusedCards: readonly CardClaim[] | undefined },
  run: Pick<SyncRunEntity, 'warnings'>,
): Promise<void> {
  if (end.refusedCards?.length) {
    const assigned = await tx.users.assignFreeCards(integrationId, end.refusedCards, tx.events);
    addWarnings(
      run,
      assigned.map(
        (c) => `card number ${c.card} assigned to ${c.graphId} after all: its holder gave it up later in the sync`,
      ),
    );
  }
  await tx.syncStates.save(integrationId, USERS_STREAM, roundEndState(end.deltaLink));
}
