/**
 * Calendar events of a mailbox, a room's or a user's (`/users/{id|upn}/events…`): list (`$top`/
 * `$skip`, `$filter` on iCalUId or on an extended property), get (`$expand` of extended
 * properties), create (the room's own calendar: the room organizes; a user's: the user organizes
 * and each room invited as a resource gets its copy), update, delete, decline (202; the meeting
 * leaves the room's calendar), cancel (organizer only), a series' instances, and free/busy
 * (`calendar/getSchedule`).
 */
import type { SimContext } from '../context.js';
import { graphError, parseJsonBody } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import { cancelMeeting, organizeMeeting, updateMeeting, type MeetingInput } from '../tenant/meetings.js';
import { bookEvent, cancelEvent, declineEvent, moveEvent, SimulatorError } from '../tenant/mutations.js';
import type { EventRecord, RoomRecord, UserRecord } from '../tenant/model.js';
import { cancelSeries } from '../tenant/series.js';
import type { Tenant } from '../tenant/tenant.js';
import { guarded, PERMS } from './auth.js';
import { mailboxNotFound } from './calendar-delta.js';
import { eventJson, parseGraphDateTime } from './event-json.js';
import { addScheduleRoute } from './schedule.js';
import { link } from './paging.js';

export type Mailbox = { kind: 'room'; room: RoomRecord } | { kind: 'user'; user: UserRecord };
type MailboxHandler = (req: SimRequest, t: Tenant, mbx: Mailbox) => SimResponse;

export function mailboxOf(t: Tenant, key: string): Mailbox | null {
  const room = t.findRoom(key);
  if (room) return { kind: 'room', room };
  const user = t.findUser(key);
  return user && user.state === 'active' ? { kind: 'user', user } : null;
}

export function calendarOf(t: Tenant, mbx: Mailbox): EventRecord[] {
  return mbx.kind === 'room' ? (t.calendars.get(mbx.room.id) ?? []) : (t.userCalendars.get(mbx.user.id) ?? []);
}

function addressOf(mbx: Mailbox): string {
  return mbx.kind === 'room' ? mbx.room.emailAddress : String(mbx.user.props.mail ?? mbx.user.props.userPrincipalName);
}

function owns(mbx: Mailbox, ev: EventRecord): boolean {
  return mbx.kind === 'room' ? ev.roomId === mbx.room.id : ev.ownerUserId === mbx.user.id;
}

const QUOTED = "'((?:[^']|'')*)'";
const unquote = (v: string) => v.replace(/''/g, "'");
const FILTER_ICAL = new RegExp(`^iCalUId eq ${QUOTED}$`, 'i');
const FILTER_PROP = new RegExp(
  `^singleValueExtendedProperties/Any\\(ep: ep/id eq ${QUOTED} and ep/value eq ${QUOTED}\\)$`,
  'i',
);
const EXPAND_PROP = new RegExp(`^singleValueExtendedProperties\\(\\$filter=id eq ${QUOTED}\\)$`, 'i');

function json(req: SimRequest, ev: EventRecord, mbx: Mailbox, expand?: string[]): Record<string, unknown> {
  return eventJson(ev, mbx.kind === 'room' ? mbx.room : undefined, {
    ownerAddress: addressOf(mbx),
    ...(expand ? { expandProperties: expand } : {}),
  });
}

function expandOf(req: SimRequest): string[] | undefined | SimResponse {
  const raw = req.query.get('$expand');
  if (raw === null) return undefined;
  const m = EXPAND_PROP.exec(raw);
  if (!m) return graphError(req, 400, 'BadRequest', `Parsing OData Select and Expand failed: ${raw}`);
  return [unquote(m[1]!)];
}

export function addEventRoutes(router: Router, ctx: SimContext): void {
  const withMailbox = (perms: string[], h: MailboxHandler) =>
    guarded(ctx, perms, 'exchange', (req, c) => {
      const mbx = mailboxOf(c.tenant, req.params.user ?? '');
      return mbx ? h(req, c.tenant, mbx) : mailboxNotFound(req, req.params.user ?? '');
    });
  const withEvent = (perms: string[], h: (req: SimRequest, t: Tenant, mbx: Mailbox, ev: EventRecord) => SimResponse) =>
    withMailbox(perms, (req, t, mbx) => {
      const ev = t.eventsById.get(req.params.id ?? '');
      if (!ev || ev.deleted || !owns(mbx, ev)) return itemNotFound(req);
      try {
        return h(req, t, mbx, ev);
      } catch (err) {
        if (err instanceof SimulatorError) return graphError(req, err.status, 'ErrorInvalidRequest', err.message);
        throw err;
      }
    });

  router.add('GET', '/v1.0/users/{user}/events', withMailbox(PERMS.calendarsRead, listEvents));
  router.add(
    'GET',
    '/v1.0/users/{user}/events/{id}',
    withEvent(PERMS.calendarsRead, (req, _t, mbx, ev) => {
      const expand = expandOf(req);
      if (expand && !Array.isArray(expand)) return expand;
      return {
        status: 200,
        body: {
          '@odata.context': `${req.origin}/v1.0/$metadata#users('${addressOf(mbx)}')/events/$entity`,
          ...json(req, ev, mbx, expand),
        },
      };
    }),
  );
  router.add('POST', '/v1.0/users/{user}/events', withMailbox(PERMS.calendarsWrite, createEvent));
  router.add('PATCH', '/v1.0/users/{user}/events/{id}', withEvent(PERMS.calendarsWrite, updateEvent));
  router.add(
    'DELETE',
    '/v1.0/users/{user}/events/{id}',
    withEvent(PERMS.calendarsWrite, (req, t, mbx, ev) => {
      const refused = organizerOnly(req, mbx, ev);
      if (refused) return refused;
      cancelAsOrganizer(t, mbx, ev, '');
      return { status: 204, body: '' };
    }),
  );
  router.add(
    'POST',
    '/v1.0/users/{user}/events/{id}/decline',
    withEvent(PERMS.calendarsWrite, (req, t, mbx, ev) => {
      const body = parseJsonBody(req);
      if (!body) return graphError(req, 400, 'RequestBodyRead', 'Invalid JSON in the request body.');
      if (isOrganizer(mbx, ev))
        return graphError(
          req,
          400,
          'ErrorInvalidRequest',
          "Your request can't be completed. You can't respond to a meeting you organized.",
        );
      declineEvent(t, ev.id, typeof body.comment === 'string' ? body.comment : '');
      return { status: 202, body: '' };
    }),
  );
  router.add(
    'POST',
    '/v1.0/users/{user}/events/{id}/cancel',
    withEvent(PERMS.calendarsWrite, (req, t, mbx, ev) => {
      const refused = organizerOnly(req, mbx, ev);
      if (refused) return refused;
      const body = parseJsonBody(req) ?? {};
      cancelAsOrganizer(t, mbx, ev, typeof body.comment === 'string' ? body.comment : '');
      return { status: 202, body: '' };
    }),
  );
  router.add('GET', '/v1.0/users/{user}/events/{id}/instances', withEvent(PERMS.calendarsRead, instances));
  addScheduleRoute(router, ctx);
}

function itemNotFound(req: SimRequest): SimResponse {
  return graphError(req, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

function isOrganizer(mbx: Mailbox, ev: EventRecord): boolean {
  return ev.organizer.address.toLowerCase() === addressOf(mbx).toLowerCase();
}

function organizerOnly(req: SimRequest, mbx: Mailbox, ev: EventRecord): SimResponse | null {
  return isOrganizer(mbx, ev)
    ? null
    : graphError(
        req,
        400,
        'ErrorInvalidRequest',
        "Your request can't be completed. You need to be an organizer to cancel a meeting.",
      );
}

function cancelAsOrganizer(t: Tenant, mbx: Mailbox, ev: EventRecord, comment: string): void {
  if (mbx.kind === 'user') cancelMeeting(t, ev, comment);
  else if (ev.type === 'seriesMaster') cancelSeries(t, ev.id);
  else cancelEvent(t, ev.id);
}

function listEvents(req: SimRequest, t: Tenant, mbx: Mailbox): SimResponse {
  const top = req.query.has('$top') ? Number(req.query.get('$top')) : 10;
  const skip = req.query.has('$skip') ? Number(req.query.get('$skip')) : 0;
  if (!Number.isInteger(top) || top < 1 || top > 1000 || !Number.isInteger(skip) || skip < 0) {
    return graphError(req, 400, 'ErrorInvalidUrlQuery', 'The value of $top or $skip is invalid.');
  }
  const expand = expandOf(req);
  if (expand && !Array.isArray(expand)) return expand;
  let match = (_e: EventRecord) => true;
  const filter = req.query.get('$filter');
  if (filter !== null) {
    const ical = FILTER_ICAL.exec(filter);
    const prop = FILTER_PROP.exec(filter);
    if (ical) match = (e) => e.iCalUId === unquote(ical[1]!);
    else if (prop) match = (e) => e.extendedProperties?.[unquote(prop[1]!)] === unquote(prop[2]!);
    else return graphError(req, 400, 'ErrorInvalidUrlQueryFilter', `The filter is not supported: ${filter}`);
  }
  const events = calendarOf(t, mbx).filter((e) => !e.deleted && match(e));
  const body: Record<string, unknown> = {
    '@odata.context': `${req.origin}/v1.0/$metadata#users('${addressOf(mbx)}')/events`,
  };
  if (skip + top < events.length)
    body['@odata.nextLink'] = link(req.origin, req.path, req.query, { $top: String(top), $skip: String(skip + top) });
  body.value = events.slice(skip, skip + top).map((e) => json(req, e, mbx, expand));
  return { status: 200, body };
}

/** The request body's event fields, as the simulator's tenant takes them. */
function meetingInput(body: Record<string, unknown>): Partial<MeetingInput> {
  const out: Partial<MeetingInput> = {};
  const start = parseGraphDateTime(body.start);
  const end = parseGraphDateTime(body.end);
  if (start) out.start = start;
  if (end) out.end = end;
  if (typeof body.subject === 'string') out.subject = body.subject;
  if (body.body && typeof body.body === 'object') out.body = String((body.body as { content?: unknown }).content ?? '');
  if (body.isAllDay === true) out.isAllDay = true;
  if (Array.isArray(body.attendees))
    out.attendees = body.attendees.flatMap((a: unknown) => {
      const o = a as { type?: unknown; emailAddress?: { address?: unknown; name?: unknown } };
      const address = o?.emailAddress?.address;
      if (typeof address !== 'string') return [];
      const type = o.type === 'resource' || o.type === 'optional' ? o.type : 'required';
      return [{ address, type, ...(typeof o.emailAddress?.name === 'string' ? { name: o.emailAddress.name } : {}) }];
    });
  if (typeof body.transactionId === 'string') out.transactionId = body.transactionId;
  if (Array.isArray(body.singleValueExtendedProperties))
    out.extendedProperties = Object.fromEntries(
      body.singleValueExtendedProperties
        .map((p: unknown) => p as { id?: unknown; value?: unknown })
        .filter((p) => typeof p.id === 'string' && typeof p.value === 'string')
        .map((p) => [p.id as string, p.value as string]),
    );
  return out;
}

function createEvent(req: SimRequest, t: Tenant, mbx: Mailbox): SimResponse {
  const body = parseJsonBody(req);
  if (!body) return graphError(req, 400, 'RequestBodyRead', 'Invalid JSON in the request body.');
  const input = meetingInput(body);
  if (!input.start || !input.end)
    return graphError(req, 400, 'ErrorInvalidRequest', 'An event needs start and end as {dateTime, timeZone}.');
  try {
    let ev: EventRecord;
    if (mbx.kind === 'user') {
      ev = organizeMeeting(t, mbx.user, input as MeetingInput);
    } else {
      const cal = t.calendars.get(mbx.room.id) ?? [];
      const same = input.transactionId
        ? cal.find((e) => e.transactionId === input.transactionId && !e.deleted)
        : undefined;
      // Created in the room's own calendar by the app: the room mailbox is the organizer.
      ev =
        same ??
        bookEvent(t, mbx.room.id, {
          ...(input as MeetingInput),
          subject: input.subject ?? '',
          organizer: { name: mbx.room.displayName, address: mbx.room.emailAddress },
        });
      if (!same) {
        if (input.transactionId) ev.transactionId = input.transactionId;
        if (input.extendedProperties) ev.extendedProperties = input.extendedProperties;
      }
    }
    return {
      status: 201,
      body: {
        '@odata.context': `${req.origin}/v1.0/$metadata#users('${addressOf(mbx)}')/events/$entity`,
        ...json(req, ev, mbx),
      },
    };
  } catch (err) {
    if (err instanceof SimulatorError) return graphError(req, err.status, 'ErrorInvalidRequest', err.message);
    throw err;
  }
}

function updateEvent(req: SimRequest, t: Tenant, mbx: Mailbox, ev: EventRecord): SimResponse {
  const body = parseJsonBody(req);
  if (!body) return graphError(req, 400, 'RequestBodyRead', 'Invalid JSON in the request body.');
  if (!isOrganizer(mbx, ev))
    return graphError(
      req,
      400,
      'ErrorInvalidRequest',
      "Your request can't be completed. Only the organizer can change the meeting.",
    );
  const patch = meetingInput(body);
  const updated = mbx.kind === 'user' ? updateMeeting(t, ev, patch) : moveEvent(t, ev.id, patch);
  return {
    status: 200,
    body: {
      '@odata.context': `${req.origin}/v1.0/$metadata#users('${addressOf(mbx)}')/events/$entity`,
      ...json(req, updated, mbx),
    },
  };
}

function instances(req: SimRequest, t: Tenant, mbx: Mailbox, ev: EventRecord): SimResponse {
  const s = parseGraphDateTime(req.query.get('startDateTime'));
  const e = parseGraphDateTime(req.query.get('endDateTime'));
  if (!s || !e)
    return graphError(
      req,
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  if (ev.type !== 'seriesMaster')
    return graphError(req, 400, 'ErrorInvalidRequest', 'The event is not a series master.');
  const top = req.query.has('$top') ? Number(req.query.get('$top')) : 10;
  const within = calendarOf(t, mbx).filter((o) => o.seriesMasterId === ev.id && !o.deleted && o.start < e && o.end > s);
  return {
    status: 200,
    body: {
      '@odata.context': `${req.origin}/v1.0/$metadata#Collection(event)`,
      value: within.slice(0, top).map((o) => json(req, o, mbx)),
    },
  };
}
