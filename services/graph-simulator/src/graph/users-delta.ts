/**
 * GET /users/delta. Stateless: each nextLink/deltaLink token carries the phase, position and
 * change-log sequence numbers, $select and issue time.
 *
 * - Initial round, phase 'i': walk the users array from `pos`, emitting active users; then phase
 *   'l' over the change log from the snapshot taken when the round began (catches changes made
 *   while the round ran; some users can appear twice, as with Graph's replays).
 * - Phase 'l': walk log entries from `pos`; a user is emitted at its LATEST entry only, and only
 *   if something it tracks (a selected property, or create/delete/restore) changed after `since`.
 * - At the end of the log the deltaLink is `{since: pos: current seq}`.
 */
import type { SimContext } from '../context.js';
import { graphError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { UserRecord } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';
import { guarded, PERMS } from './auth.js';
import { parseUserSelect, projectUser, userContext } from './user-json.js';

interface DeltaToken {
  k: 'ud';
  ph: 'i' | 'l';
  pos: number;
  since: number;
  sel: string[] | null;
  iat: number;
  tid: string;
}

const REPLAY_WINDOW = 3;
const MAX_LOG_SCAN = 50_000;

export function addUsersDeltaRoute(router: Router, ctx: SimContext): void {
  router.add(
    'GET',
    '/v1.0/users/delta',
    guarded(ctx, PERMS.usersRead, 'directory', (req, c) => usersDelta(ctx, req, c.tenant)),
  );
}

function expired(ctx: SimContext, req: SimRequest, tok: DeltaToken): SimResponse | null {
  const tooOld = Date.now() - tok.iat > ctx.settings.deltaTokenMaxAgeMs;
  if (!tooOld && tok.iat >= ctx.faults.deltaTokensExpiredBefore) return null;
  switch (ctx.settings.deltaExpiredMode) {
    case 'gone':
      return graphError(
        req,
        410,
        'resyncRequired',
        'Resync required. Replace any local cached copies of the directory objects with the results of a full sync.',
        { location: `${req.origin}/v1.0/users/delta?$deltatoken=` },
      );
    case 'syncStateNotFound':
      return graphError(req, 400, 'syncStateNotFound', 'The sync state generation is not found. Please re-sync.');
    default:
      return graphError(
        req,
        400,
        'resyncRequired',
        'Resync required. The delta token is no longer valid; start a full synchronization.',
      );
  }
}

function usersDelta(ctx: SimContext, req: SimRequest, tenant: Tenant): SimResponse {
  const q = req.query;
  for (const p of ['$top', '$orderby', '$expand']) {
    if (q.has(p))
      return graphError(
        req,
        400,
        'Request_UnsupportedQuery',
        `The query parameter '${p}' is not supported with delta query on users.`,
      );
  }
  if (q.has('$filter'))
    return graphError(
      req,
      400,
      'Request_UnsupportedQuery',
      "Unsupported query: the simulator's users delta does not implement $filter.",
    );
  const rawToken = q.get('$skiptoken') ?? q.get('$deltatoken') ?? q.get('$deltaToken') ?? q.get('$skipToken');
  let tok: DeltaToken;
  if (rawToken === null || rawToken === '') {
    const sel = parseUserSelect(q.get('$select'));
    if (sel && 'error' in sel) return graphError(req, 400, 'Request_BadRequest', sel.error);
    tok = { k: 'ud', ph: 'i', pos: 0, since: tenant.seq, sel: sel ? sel.props : null, iat: Date.now(), tid: tenant.id };
  } else if (rawToken.toLowerCase() === 'latest') {
    const sel = parseUserSelect(q.get('$select'));
    if (sel && 'error' in sel) return graphError(req, 400, 'Request_BadRequest', sel.error);
    const t: DeltaToken = {
      k: 'ud',
      ph: 'l',
      pos: tenant.seq,
      since: tenant.seq,
      sel: sel ? sel.props : null,
      iat: Date.now(),
      tid: tenant.id,
    };
    return page(req, t.sel, [], { '@odata.deltaLink': deltaLink(ctx, req, t) });
  } else {
    const t = ctx.codec.decode<DeltaToken>(rawToken);
    if (!t || t.k !== 'ud' || t.tid !== tenant.id)
      return graphError(req, 400, 'Request_BadRequest', 'The specified delta token is invalid.');
    const exp = expired(ctx, req, t);
    if (exp) return exp;
    tok = t;
    if (q.has('$deltatoken') && ctx.settings.deltaReplays) {
      tok = { ...t, pos: Math.max(0, t.pos - REPLAY_WINDOW), since: Math.max(0, t.since - REPLAY_WINDOW) };
    }
  }
  const minimal = /return=minimal/i.test(req.headers.prefer ?? '');
  const size = ctx.settings.deltaPageSize;
  const value: Record<string, unknown>[] = [];
  let { ph, pos } = tok;
  const since = tok.since;
  if (ph === 'i') {
    const users = tenant.users;
    while (pos < users.length && value.length < size) {
      const u = users[pos++]!;
      if (u.state === 'active') value.push(projectUser(u, tok.sel, true));
    }
    if (pos >= users.length) {
      ph = 'l';
      pos = tok.since;
    }
  }
  if (ph === 'l') {
    const log = tenant.log;
    const stop = Math.min(log.length, pos + MAX_LOG_SCAN);
    while (pos < stop && value.length < size) {
      const e = log[pos++]!;
      if (e.kind !== 'user') continue;
      const u = tenant.usersById.get(e.id);
      if (!u || u.lastSeq !== e.seq || !tracked(u, since, tok.sel)) continue;
      value.push(deltaItem(u, since, tok.sel, minimal));
    }
    if (pos >= log.length) {
      const next: DeltaToken = { ...tok, ph: 'l', pos: log.length, since: log.length, iat: Date.now() };
      return page(req, tok.sel, value, { '@odata.deltaLink': deltaLink(ctx, req, next) }, minimal);
    }
  }
  const next: DeltaToken = { ...tok, ph, pos, since };
  return page(
    req,
    tok.sel,
    value,
    { '@odata.nextLink': `${req.origin}/v1.0/users/delta?$skiptoken=${ctx.codec.encode(next)}` },
    minimal,
  );
}

/** Whether a change since `since` touches what this delta query tracks. */
function tracked(u: UserRecord, since: number, sel: string[] | null): boolean {
  if (u.lifeSeq > since) return true;
  if (!sel) return u.lastSeq > since;
  return sel.some((p) => (u.propSeq?.[p] ?? 0) > since);
}

function deltaItem(u: UserRecord, since: number, sel: string[] | null, minimal: boolean): Record<string, unknown> {
  if (u.state === 'hardDeleted') return { id: u.id, '@removed': { reason: 'deleted' } };
  if (u.state === 'softDeleted') return { id: u.id, '@removed': { reason: 'changed' } };
  if (!minimal || u.lifeSeq > since) return projectUser(u, sel, true);
  const changed = (sel ?? Object.keys(u.propSeq ?? {})).filter((p) => (u.propSeq?.[p] ?? 0) > since);
  const full = projectUser(u, [...changed, 'id'], false);
  return full;
}

function deltaLink(ctx: SimContext, req: SimRequest, t: DeltaToken): string {
  return `${req.origin}/v1.0/users/delta?$deltatoken=${ctx.codec.encode(t)}`;
}

function page(
  req: SimRequest,
  sel: string[] | null,
  value: unknown[],
  links: Record<string, string>,
  minimal = false,
): SimResponse {
  return {
    status: 200,
    headers: minimal ? { 'preference-applied': 'return=minimal' } : {},
    body: { '@odata.context': userContext(req.origin, sel, '/delta'), ...links, value },
  };
}
