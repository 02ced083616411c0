/**
 * Writes one page of users: one SELECT of the page's stored users (unless read ahead), one SELECT
 * of the card holders, then one transaction with one upsert, the removals, the default groups of
 * the users it creates, the page's events (one INSERT), the checkpoint (or the round's end) and
 * the run's counts: a page is committed whole or not at all, its events with it. The steps: the page's users (page-rows), their card numbers
 * (page-cards), what changes (page-changes), the guard, the commit.
 */
import type { SyncRunEntity, SyncUnitOfWork, UserEntity } from '@ones-m365/shared/db';
import { userView } from '@ones-m365/shared/events';
import type { GraphUser, RemovedItem } from '@ones-m365/shared/graph';
import { assertLockHeld } from '../runner/lock-lost-error.js';
import type { PageVerdict } from '../runner/prefetch.js';
import { addWarnings } from '../runner/run-warnings.js';
import { checkpointState } from '../runner/stream-state.js';
import { passGuard } from './deactivation-guard.js';
import { carriedClaims, settlePageCards } from './page-cards.js';
import { addCounts, pageChanges, type PageChanges } from './page-changes.js';
import { latestOfPage } from './page-rows.js';
import { endUsersRound } from './round-end.js';
import { toUserRow } from './user-mapping.js';
import { advance, type Position, type UsersCheckpoint } from './users-checkpoint.js';
import { USERS_STREAM, type UsersPageEnv } from './users-env.js';

/** The round being walked; `cp` is replaced after each committed page. */
export interface Round {
  cp: UsersCheckpoint;
}

/** Where the round stands after this page; `done` stores the deltaLink and ends the round. */
export type After = { to: Position } | { done: string };

export interface UsersPage {
  users: GraphUser[];
  removed: RemovedItem[];
  /**
   * The page's stored users read ahead (while the page before was being written). Only a walk
   * whose pages are disjoint may pass it: the `/users` listing, not delta.
   */
  stored?: UserEntity[];
}

export async function writeUsersPage(
  env: UsersPageEnv,
  round: Round,
  page: UsersPage,
  after: After,
): Promise<PageVerdict> {
  const users = latestOfPage(page);
  const scope = users.latest.size > 0 ? await env.scope() : null;
  let rows = [...users.latest.values()].map((u) =>
    toUserRow(u, { integrationId: env.integrationId, cardAttribute: env.cardAttribute, scope }),
  );
  const storedRows =
    page.stored ?? (await env.store.users.byGraphIds(env.integrationId, [...users.latest.keys(), ...users.removedIds]));
  const stored = new Map(storedRows.map((u) => [u.graphId, u]));
  const warnings: string[] = [];
  const cards = env.cardAttribute !== null;
  let refusedCards = carriedClaims(round.cp.refusedCards, users, []);
  if (cards) {
    const settled = await settlePageCards(
      env.store.users,
      env.integrationId,
      users,
      rows,
      stored,
      round.cp.refusedCards,
    );
    rows = settled.rows;
    warnings.push(...settled.warnings);
    refusedCards = settled.refusedCards;
  }
  const marker = round.cp.mode === 'full' ? (round.cp.marker ?? null) : null;
  const changes = pageChanges(rows, page.removed, stored, { cards, marker });
  const cp: UsersCheckpoint = { ...round.cp, refusedCards: refusedCards?.length ? refusedCards : undefined };
  if (
    !(await passGuard(
      env.store,
      { integrationId: env.integrationId, run: env.run, threshold: env.threshold },
      cp,
      changes.counts.deactivated,
    ))
  ) {
    round.cp = cp;
    return 'stop';
  }
  const next = 'done' in after ? null : advance(cp, after.to, changes.counts.deactivated);
  const run: SyncRunEntity = { ...addCounts(env.run, changes.counts), graphRequests: env.graphRequests() };
  addWarnings(run, warnings);
  assertLockHeld(env.lock);
  await commitUsersPage(
    env,
    changes,
    marker,
    next ? { checkpoint: next } : { deltaLink: (after as { done: string }).done, refusedCards: cp.refusedCards },
    run,
  );
  Object.assign(env.run, {
    created: run.created,
    updated: run.updated,
    unchanged: run.unchanged,
    deactivated: run.deactivated,
    graphRequests: run.graphRequests,
    warnings: run.warnings,
  });
  round.cp = next ?? advance(cp, { phase: cp.phase }, changes.counts.deactivated);
  return 'continue';
}

/** The page's one transaction: rows, removals, default groups, events, the checkpoint or the round's end, the run. */
async function commitUsersPage(
  env: UsersPageEnv,
  changes: PageChanges,
  marker: string | null,
  then: { checkpoint: UsersCheckpoint } | { deltaLink: string; refusedCards: UsersCheckpoint['refusedCards'] },
  run: SyncRunEntity,
): Promise<void> {
  await env.store.transaction(async (tx) => {
    // The upsert goes out first; the page's events are built while the database writes it, and
    // batched, compressed and inserted at the transaction's end.
    const upserted = tx.users.upsertPage(changes.writes, { cards: env.cardAttribute !== null, marker });
    await Promise.all([upserted, writeUserEvents(tx, env, changes)]);
    for (const [reason, ids] of changes.removals) await tx.users.deactivate(env.integrationId, ids, reason);
    if (changes.createdIds.length > 0) await tx.users.addToGroups(changes.createdIds, env.defaultGroupIds);
    if ('checkpoint' in then)
      await tx.syncStates.save(env.integrationId, USERS_STREAM, checkpointState(then.checkpoint));
    else await endUsersRound(tx, env.integrationId, then, run);
    await tx.syncRuns.save(run);
  });
}

/**
 * The page's events: each changed user as the API shows it (a created one with its default groups;
 * the others' groups, which the page does not change, read from the database).
 */
async function writeUserEvents(
  tx: Pick<SyncUnitOfWork, 'users' | 'events'>,
  env: Pick<UsersPageEnv, 'integrationId' | 'defaultGroupIds'>,
  changes: PageChanges,
): Promise<void> {
  if (changes.events.length === 0) return;
  const groups = await tx.users.groupIdsOf(
    changes.events.filter((e) => e.type !== 'user.created').map((e) => e.user.id),
  );
  await tx.events.add(
    changes.events.map((e) => ({
      type: e.type,
      integrationId: env.integrationId,
      data: userView(e.user, e.type === 'user.created' ? env.defaultGroupIds : (groups.get(e.user.id) ?? [])),
    })),
  );
}
