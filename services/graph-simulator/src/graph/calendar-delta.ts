/**
 * GET /users/{room}/calendarView/delta?startDateTime&endDateTime. The window, room, position and
 * sequence numbers travel in the (signed) tokens. Page size from `Prefer: odata.maxpagesize`.
 * Deleted events, and events changed outside the window, come back as `@removed: {reason: deleted}`.
 * A series shows as its occurrences (and exceptions), never as its master, as calendarView expands it.
 */
import type { SimContext } from '../context.js';
import { graphError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { EventRecord, RoomRecord } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';
import { guarded, PERMS } from './auth.js';
import { eventJson, parseGraphDateTime } from './event-json.js';

interface CalToken {
  k: 'cd';
  rid: string;
  s: number;
  e: number;
  ph: 'i' | 'd';
  pos: number;
  since: number;
  snap: number;
  iat: number;
}

const UNSUPPORTED = ['$select', '$expand', '$filter', '$orderby', '$search'];

export function addCalendarDeltaRoute(router: Router, ctx: SimContext): void {
  router.add(
    'GET',
    '/v1.0/users/{user}/calendarView/delta',
    guarded(ctx, PERMS.calendarsRead, 'exchange', (req, c) => calendarDelta(ctx, req, c.tenant)),
  );
}

export function mailboxNotFound(req: SimRequest, key: string): SimResponse {
  return graphError(req, 404, 'ErrorInvalidUser', `The requested user '${key}' is invalid.`);
}

function calendarDelta(ctx: SimContext, req: SimRequest, tenant: Tenant): SimResponse {
  const key = req.params.user ?? '';
  const room = tenant.findRoom(key);
  if (!room) return mailboxNotFound(req, key);
  const q = req.query;
  const bad = UNSUPPORTED.filter((p) => q.has(p));
  if (bad.length) {
    return graphError(
      req,
      400,
      'ErrorInvalidUrlQuery',
      `The following parameters are not supported with change tracking over the 'CalendarView' resource: '${bad.join(', ')}'.`,
    );
  }
  const raw = q.get('$skiptoken') ?? q.get('$deltatoken');
  let tok: CalToken;
  if (raw) {
    const t = ctx.codec.decode<CalToken>(raw);
    if (!t || t.k !== 'cd' || t.rid !== room.id)
      return graphError(req, 400, 'ErrorInvalidUrlQuery', 'The sync state is invalid for this folder.');
    if (t.iat < ctx.faults.deltaTokensExpiredBefore || t.iat < ctx.faults.roomDeltaTokensExpiredBefore(room.id))
      return expiredAnswer(ctx, req, key);
    tok = q.has('$deltatoken') ? { ...t, ph: 'd', pos: 0, snap: tenant.seq } : t;
  } else {
    const s = parseGraphDateTime(q.get('startDateTime'));
    const e = parseGraphDateTime(q.get('endDateTime'));
    if (!s || !e) {
      return graphError(
        req,
        400,
        'ErrorInvalidParameter',
        'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      );
    }
    tok = {
      k: 'cd',
      rid: room.id,
      s: Date.parse(s),
      e: Date.parse(e),
      ph: 'i',
      pos: 0,
      since: 0,
      snap: tenant.seq,
      iat: Date.now(),
    };
  }
  const pref = /odata\.maxpagesize=(\d+)/i.exec(req.headers.prefer ?? '');
  const size = pref ? Math.max(1, Number(pref[1])) : ctx.settings.eventDeltaPageSize;
  const cal = tenant.calendars.get(room.id) ?? [];
  const value: unknown[] = [];
  let pos = tok.pos;
  while (pos < cal.length && value.length < size) {
    const ev = cal[pos++]!;
    const item = tok.ph === 'i' ? initialItem(ev, tok, room) : changeItem(ev, tok, room);
    if (item) value.push(item);
  }
  const headers: Record<string, string> = pref ? { 'preference-applied': `odata.maxpagesize=${size}` } : {};
  const base = `${req.origin}/v1.0/users/${encodeURIComponent(key)}/calendarView/delta`;
  const body: Record<string, unknown> = { '@odata.context': `${req.origin}/v1.0/$metadata#Collection(event)` };
  if (pos < cal.length) body['@odata.nextLink'] = `${base}?$skiptoken=${ctx.codec.encode({ ...tok, pos })}`;
  else
    body['@odata.deltaLink'] =
      `${base}?$deltatoken=${ctx.codec.encode({ ...tok, ph: 'd', pos: 0, since: tok.snap, iat: Date.now() })}`;
  body.value = value;
  return { status: 200, headers, body };
}

function inWindow(ev: EventRecord, tok: CalToken): boolean {
  return Date.parse(ev.start) < tok.e && Date.parse(ev.end) > tok.s;
}

/** calendarView expands a series: its occurrences and exceptions show, its master does not. */
function initialItem(ev: EventRecord, tok: CalToken, room: RoomRecord): unknown {
  return ev.type !== 'seriesMaster' && !ev.deleted && inWindow(ev, tok) ? eventJson(ev, room) : null;
}

function changeItem(ev: EventRecord, tok: CalToken, room: RoomRecord): unknown {
  if (ev.lastSeq <= tok.since || ev.type === 'seriesMaster') return null;
  if (ev.deleted || !inWindow(ev, tok))
    return { '@odata.type': '#microsoft.graph.event', id: ev.id, '@removed': { reason: 'deleted' } };
  return eventJson(ev, room);
}

function expiredAnswer(ctx: SimContext, req: SimRequest, key: string): SimResponse {
  switch (ctx.settings.deltaExpiredMode) {
    case 'gone':
      return graphError(
        req,
        410,
        'SyncStateNotFound',
        'The sync state is no longer available. Start a full synchronization.',
        { location: `${req.origin}/v1.0/users/${encodeURIComponent(key)}/calendarView/delta?$deltatoken=` },
      );
    case 'syncStateNotFound':
      return graphError(req, 400, 'syncStateNotFound', 'The sync state generation is not found. Please re-sync.');
    default:
      return graphError(req, 400, 'resyncRequired', 'Resync required.');
  }
}
