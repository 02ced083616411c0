/**
 * Walks a users round from its checkpoint to its end (see users-checkpoint.ts), page by page with
 * the next page prefetched. Returns `stop` when the mass-deactivation guard stopped it.
 */
import { randomUUID } from 'node:crypto';
import { GraphRequestError, type GraphClient, type GraphConnection } from '@ones-m365/shared/graph';
import { inTransaction, SyncStateRepository, UserRepository } from '@ones-m365/shared/db';
import type { JobContext } from '../jobs/job-handler.js';
import { passGuard } from './deactivation-guard.js';
import { prefetchPages, type PageVerdict } from './prefetch.js';
import { addWarnings, LockLostError } from './sync-job-runner.js';
import type { UsersCheckpoint } from './users-checkpoint.js';
import { assignFreedCards, writeUsersPage, type Round, type UsersPageEnv } from './users-page.js';

export interface RoundEnv extends UsersPageEnv {
  graph: GraphClient;
  conn: GraphConnection;
  select: string[];
  ctx: JobContext;
}

/**
 * A new full load: the bracketing deltaLink is taken before the first `/users` page. Its marker
 * is new for every round: a run that restarts a full load (expired state) must not count the
 * rows its abandoned round stamped as seen by the new one.
 */
export async function startFullRound(env: RoundEnv): Promise<UsersCheckpoint> {
  const bracket = await env.graph.usersDeltaLatest(env.conn, env.select);
  const activeAtStart = await new UserRepository(env.db).countActive(env.integrationId);
  const cp: UsersCheckpoint = { mode: 'full', phase: 'list', bracket, marker: randomUUID(), activeAtStart, deactivated: 0 };
  await new SyncStateRepository(env.db).save(env.integrationId, 'users', { checkpoint: JSON.stringify(cp), status: 'running' });
  return cp;
}

export async function startDeltaRound(env: RoundEnv, deltaLink: string): Promise<UsersCheckpoint> {
  const activeAtStart = await new UserRepository(env.db).countActive(env.integrationId);
  return { mode: 'delta', phase: 'delta', link: deltaLink, activeAtStart, deactivated: 0 };
}

export async function walkRound(env: RoundEnv, start: UsersCheckpoint): Promise<'done' | 'stop'> {
  const round: Round = { cp: start };
  let pages = 0;
  const progress = () => env.ctx.progress({ stream: 'users', phase: round.cp.phase, pages, created: env.run.created, updated: env.run.updated, unchanged: env.run.unchanged, deactivated: env.run.deactivated, requests: env.graphRequests() });
  for (;;) {
    const cp = round.cp;
    let verdict: PageVerdict;
    if (cp.phase === 'list') {
      // The listing's pages are disjoint, so each page's stored users are read ahead with it,
      // overlapping the write of the page before (the write is the slower half of a page).
      const users = new UserRepository(env.db);
      verdict = await prefetchPages(
        async (cursor) => {
          const page = await env.graph.listUsersPage(env.conn, { select: env.select, ...(cursor ? { cursor } : {}) });
          return { ...page, stored: await users.byGraphIds(env.integrationId, page.users.map((u) => u.id)) };
        },
        (page) => page.nextCursor,
        async (page, next) => {
          const v = await writeUsersPage(env, round, { users: page.users, removed: [], stored: page.stored }, { to: next ? { phase: 'list', link: next } : { phase: 'catchup', link: cp.bracket } });
          pages++;
          await progress();
          return v;
        },
        cp.link,
      );
    } else if (cp.phase === 'catchup' || cp.phase === 'delta') {
      verdict = await prefetchPages(
        (link) => env.graph.usersDelta(env.conn, { select: env.select, ...(link ? { link } : {}) }),
        (page) => page.nextLink,
        async (page, next) => {
          if (!next && !page.deltaLink) throw new GraphRequestError('Microsoft Graph ended a users delta round without a deltaLink');
          const to = next ? { to: { phase: cp.phase, link: next } } : cp.phase === 'catchup' ? { to: { phase: 'sweep' as const, deltaLink: page.deltaLink } } : { done: page.deltaLink! };
          const v = await writeUsersPage(env, round, page, to);
          pages++;
          await progress();
          return v;
        },
        cp.link,
      );
      if (cp.phase === 'delta' && verdict === 'continue') return 'done';
    } else {
      return await sweep(env, round);
    }
    if (verdict === 'stop') return 'stop';
  }
}

/** The end of a full load: deactivate the active users it did not see, store the deltaLink. */
async function sweep(env: RoundEnv, round: Round): Promise<'done' | 'stop'> {
  const cp = { ...round.cp };
  const users = new UserRepository(env.db);
  const unseen = cp.marker ? await users.countUnseen(env.integrationId, cp.marker) : 0;
  if (!(await passGuard(env.db, { integrationId: env.integrationId, run: env.run, threshold: env.threshold }, cp, unseen))) {
    round.cp = cp;
    return 'stop';
  }
  if (env.lock.lost) throw new LockLostError();
  const swept = await inTransaction(env.db, async (tx) => {
    const n = cp.marker ? await tx.users.deactivateUnseen(env.integrationId, cp.marker, 'deleted') : 0;
    if (cp.refusedCards?.length) addWarnings(env.run, await assignFreedCards(tx.users, env.integrationId, cp.refusedCards));
    await tx.syncStates.save(env.integrationId, 'users', { deltaLink: cp.deltaLink ?? null, checkpoint: null, status: 'idle', lastError: null, lastSyncedAt: new Date() });
    await tx.syncRuns.save({ ...env.run, deactivated: env.run.deactivated + n, graphRequests: env.graphRequests() });
    return n;
  });
  env.run.deactivated += swept;
  return 'done';
}
