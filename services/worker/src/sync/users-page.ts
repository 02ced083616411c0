/**
 * Writes one page of users: one SELECT of the page's stored users (to classify created / updated /
 * unchanged and to count deactivations), one SELECT of the card holders, then one transaction with
 * one upsert, the removals, the default groups of the users it creates, the checkpoint and the
 * run's counts: a page is committed whole or not at all.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTransaction, UserRepository, type SyncRunEntity, type UserEntity, type UserRow } from '@ones-m365/shared/db';
import type { GraphUser, RemovedItem } from '@ones-m365/shared/graph';
import type { HeldLock } from '@ones-m365/shared/sync';
import { resolveCardConflicts } from './card-conflicts.js';
import { passGuard } from './deactivation-guard.js';
import type { PageVerdict } from './prefetch.js';
import { addWarnings, LockLostError } from './sync-job-runner.js';
import { advance, type Position, type UsersCheckpoint } from './users-checkpoint.js';
import { classify, removedReason, toUserRow } from './user-mapping.js';
import type { ScopeLoader } from './user-scope.js';

/** Refused card claims a round keeps for its end (the checkpoint stays small). */
const MAX_REFUSED_CARDS = 200;

export interface UsersPageEnv {
  db: DataSource;
  integrationId: string;
  run: SyncRunEntity;
  lock: HeldLock;
  cardAttribute: string | null;
  scope: ScopeLoader;
  defaultGroupIds: string[];
  threshold: number;
  graphRequests(): number;
}

/** The round being walked; `cp` is replaced after each committed page. */
export interface Round {
  cp: UsersCheckpoint;
}

/** Where the round stands after this page; `done` stores the deltaLink and ends the round. */
export type After = { to: Position } | { done: string };

/**
 * `stored`, when given, is the page's stored users read ahead (while the page before was being
 * written). Only a walk whose pages are disjoint may pass it: the `/users` listing, not delta.
 */
export async function writeUsersPage(
  env: UsersPageEnv,
  round: Round,
  page: { users: GraphUser[]; removed: RemovedItem[]; stored?: UserEntity[] },
  after: After,
): Promise<PageVerdict> {
  const users = new UserRepository(env.db);
  const removedIds = new Set(page.removed.map((r) => r.id));
  const latest = new Map<string, GraphUser>();
  for (const u of page.users) if (!removedIds.has(u.id)) latest.set(u.id, u); // a removal in the same page wins
  const scope = latest.size > 0 ? await env.scope() : null;
  let rows = [...latest.values()].map((u) => toUserRow(u, { integrationId: env.integrationId, cardAttribute: env.cardAttribute, scope }));
  const stored = new Map((page.stored ?? (await users.byGraphIds(env.integrationId, [...latest.keys(), ...removedIds]))).map((u) => [u.graphId, u]));
  const warnings: string[] = [];
  const cards = env.cardAttribute !== null;
  let refusedCards = round.cp.refusedCards?.filter((c) => !latest.has(c.graphId) && !removedIds.has(c.graphId));
  if (cards) {
    const claimed = new Map(rows.flatMap((r) => (r.active && r.cardNumber ? [[r.graphId, r.cardNumber] as const] : [])));
    const pageCards = [...new Set(rows.flatMap((r) => (r.active && r.cardNumber ? [r.cardNumber] : [])))];
    const holders = (await users.activeCardHolders(env.integrationId, pageCards)).filter((h) => !latest.has(h.graphId) && !removedIds.has(h.graphId));
    const storedCards = new Map([...stored.values()].filter((s) => s.active).map((s) => [s.graphId, s.cardNumber]));
    const resolved = resolveCardConflicts(rows, storedCards, holders);
    rows = resolved.rows;
    warnings.push(...resolved.warnings);
    const refused = resolved.rows.flatMap((r) => (claimed.has(r.graphId) && r.cardNumber === null ? [{ graphId: r.graphId, card: claimed.get(r.graphId)! }] : []));
    if (refused.length > 0) refusedCards = [...(refusedCards ?? []), ...refused].slice(-MAX_REFUSED_CARDS);
  }

  const marker = round.cp.mode === 'full' ? (round.cp.marker ?? null) : null;
  const counts = { created: 0, updated: 0, unchanged: 0, deactivated: 0 };
  const writes: (UserRow & { id: string })[] = [];
  const createdIds: string[] = [];
  for (const row of rows) {
    const before = stored.get(row.graphId);
    const change = classify(before, row, cards);
    if (before?.active && !row.active) counts.deactivated++;
    else counts[change]++;
    if (change === 'created') createdIds.push(writes[writes.push({ ...row, id: randomUUID() }) - 1]!.id);
    else if (change === 'updated' || marker) writes.push({ ...row, id: randomUUID() }); // the stored row keeps its own id
  }
  const removals = new Map<string, string[]>();
  for (const r of page.removed) {
    const before = stored.get(r.id);
    const reason = removedReason(r.reason);
    if (!before || (!before.active && before.inactiveReason === reason)) continue;
    if (before.active) counts.deactivated++;
    else counts.updated++;
    removals.set(reason, [...(removals.get(reason) ?? []), r.id]);
  }

  const cp: UsersCheckpoint = { ...round.cp, ...(refusedCards?.length ? { refusedCards } : { refusedCards: undefined }) };
  if (!(await passGuard(env.db, { integrationId: env.integrationId, run: env.run, threshold: env.threshold }, cp, counts.deactivated))) {
    round.cp = cp;
    return 'stop';
  }
  const next = 'done' in after ? null : advance(cp, after.to, counts.deactivated);
  const run = { ...env.run, ...sum(env.run, counts), graphRequests: env.graphRequests() } as SyncRunEntity;
  addWarnings(run, warnings);
  if (env.lock.lost) throw new LockLostError();
  await inTransaction(env.db, async (tx) => {
    await tx.users.upsertPage(writes, { cards, marker });
    for (const [reason, ids] of removals) await tx.users.deactivate(env.integrationId, ids, reason);
    if (createdIds.length > 0) await tx.users.addToGroups(createdIds, env.defaultGroupIds);
    if (!next && cp.refusedCards?.length) addWarnings(run, await assignFreedCards(tx.users, env.integrationId, cp.refusedCards));
    await tx.syncStates.save(
      env.integrationId,
      'users',
      next
        ? { checkpoint: JSON.stringify(next), status: 'running' }
        : { deltaLink: (after as { done: string }).done, checkpoint: null, status: 'idle', lastError: null, lastSyncedAt: new Date() },
    );
    await tx.syncRuns.save(run);
  });
  Object.assign(env.run, { created: run.created, updated: run.updated, unchanged: run.unchanged, deactivated: run.deactivated, graphRequests: run.graphRequests, warnings: run.warnings });
  round.cp = next ?? advance(cp, { phase: cp.phase }, counts.deactivated);
  return 'continue';
}

/** The round's end: cards refused earlier in it go to their claimants where they are free now. */
export async function assignFreedCards(users: UserRepository, integrationId: string, claims: readonly { graphId: string; card: string }[]): Promise<string[]> {
  return (await users.assignFreeCards(integrationId, claims)).map((c) => `card number ${c.card} assigned to ${c.graphId} after all: its holder gave it up later in the sync`);
}

function sum(run: SyncRunEntity, c: { created: number; updated: number; unchanged: number; deactivated: number }) {
  return { created: run.created + c.created, updated: run.updated + c.updated, unchanged: run.unchanged + c.unchanged, deactivated: run.deactivated + c.deactivated };
}
