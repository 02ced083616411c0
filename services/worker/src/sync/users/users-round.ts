/**
 * Walks a users round from its checkpoint to its end (see users-checkpoint.ts), page by page with
 * the next page prefetched. Returns `stop` when the mass-deactivation guard stopped it.
 */
import { randomUUID } from 'node:crypto';
import { walkDelta } from '../runner/delta-walk.js';
import { prefetchPages, type PageVerdict } from '../runner/prefetch.js';
import { checkpointState } from '../runner/stream-state.js';
import type { UsersCheckpoint } from './users-checkpoint.js';
import { USERS_STREAM, type RoundEnv } from './users-env.js';
import { writeUsersPage, type After, type Round } from './users-page.js';
import { sweepUnseen } from './users-sweep.js';

/**
 * A new full load: the bracketing deltaLink is taken before the first `/users` page. Its marker
 * is new for every round: a run that restarts a full load (expired state) must not count the
 * rows its abandoned round stamped as seen by the new one.
 */
export async function startFullRound(env: RoundEnv): Promise<UsersCheckpoint> {
  const bracket = await env.graph.usersDeltaLatest(env.conn, env.select);
  const activeAtStart = await env.store.users.countActive(env.integrationId);
  const cp: UsersCheckpoint = {
    mode: 'full',
    phase: 'list',
    bracket,
    marker: randomUUID(),
    activeAtStart,
    deactivated: 0,
  };
  await env.store.syncStates.save(env.integrationId, USERS_STREAM, checkpointState(cp));
  return cp;
}

export async function startDeltaRound(env: RoundEnv, deltaLink: string): Promise<UsersCheckpoint> {
  const activeAtStart = await env.store.users.countActive(env.integrationId);
  return { mode: 'delta', phase: 'delta', link: deltaLink, activeAtStart, deactivated: 0 };
}

export async function walkRound(env: RoundEnv, start: UsersCheckpoint): Promise<'done' | 'stop'> {
  const round: Round = { cp: start };
  let pages = 0;
  const written = async (verdict: PageVerdict) => {
    pages++;
    await env.ctx.progress({
      stream: USERS_STREAM,
      phase: round.cp.phase,
      pages,
      created: env.run.created,
      updated: env.run.updated,
      unchanged: env.run.unchanged,
      deactivated: env.run.deactivated,
      requests: env.graphRequests(),
    });
    return verdict;
  };
  for (;;) {
    const cp = round.cp;
    let verdict: PageVerdict;
    if (cp.phase === 'list') verdict = await walkListing(env, round, written);
    else if (cp.phase === 'catchup' || cp.phase === 'delta') {
      verdict = await walkDelta(
        USERS_STREAM,
        (link) => env.graph.usersDelta(env.conn, { select: env.select, ...(link ? { link } : {}) }),
        async (page, at) => {
          const after: After =
            'next' in at
              ? { to: { phase: cp.phase, link: at.next } }
              : cp.phase === 'catchup'
                ? { to: { phase: 'sweep', deltaLink: at.deltaLink } }
                : { done: at.deltaLink };
          return await written(await writeUsersPage(env, round, page, after));
        },
        cp.link,
      );
      if (cp.phase === 'delta' && verdict === 'continue') return 'done';
    } else {
      return await sweepUnseen(env, round);
    }
    if (verdict === 'stop') return 'stop';
  }
}

/**
 * The `/users` listing of a full load. Its pages are disjoint, so each page's stored users are
 * read ahead with it, overlapping the write of the page before (the write is the slower half).
 */
async function walkListing(
  env: RoundEnv,
  round: Round,
  written: (v: PageVerdict) => Promise<PageVerdict>,
): Promise<PageVerdict> {
  const cp = round.cp;
  return await prefetchPages(
    async (cursor) => {
      const page = await env.graph.listUsersPage(env.conn, { select: env.select, ...(cursor ? { cursor } : {}) });
      return {
        ...page,
        stored: await env.store.users.byGraphIds(
          env.integrationId,
          page.users.map((u) => u.id),
        ),
      };
    },
    (page) => page.nextCursor,
    async (page, next) => {
      const after: After = { to: next ? { phase: 'list', link: next } : { phase: 'catchup', link: cp.bracket } };
      return await written(
        await writeUsersPage(env, round, { users: page.users, removed: [], stored: page.stored }, after),
      );
    },
    cp.link,
  );
}
