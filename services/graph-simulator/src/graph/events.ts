/** Room calendar events: list, get, create, decline (202), cancel (400 unless the room organized it). */
import type { SimContext } from '../context.js';
import { graphError, parseJsonBody } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import { bookEvent, cancelEvent, declineEvent, SimulatorError } from '../tenant/mutations.js';
import type { RoomRecord } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';
import { guarded, PERMS } from './auth.js';
import { mailboxNotFound } from './calendar-delta.js';
import { eventJson, parseGraphDateTime } from './event-json.js';
import { link } from './paging.js';

type RoomHandler = (req: SimRequest, t: Tenant, room: RoomRecord) => SimResponse;

export function addEventRoutes(router: Router, ctx: SimContext): void {
  const withRoom = (perms: string[], h: RoomHandler) =>
    guarded(ctx, perms, 'exchange', (req, c) => {
      const room = c.tenant.findRoom(req.params.user ?? '');
      return room ? h(req, c.tenant, room) : mailboxNotFound(req, req.params.user ?? '');
    });
  router.add('GET', '/v1.0/users/{user}/events', withRoom(PERMS.calendarsRead, listEvents));
  router.add(
    'GET',
    '/v1.0/users/{user}/events/{id}',
    withRoom(PERMS.calendarsRead, (req, t, room) => {
      const ev = t.eventsById.get(req.params.id ?? '');
      if (!ev || ev.deleted || ev.roomId !== room.id) return itemNotFound(req);
      return {
        status: 200,
        body: {
          '@odata.context': `${req.origin}/v1.0/$metadata#users('${room.emailAddress}')/events/$entity`,
          ...eventJson(ev, room),
        },
      };
    }),
  );
  router.add('POST', '/v1.0/users/{user}/events', withRoom(PERMS.calendarsWrite, createEvent));
  router.add(
    'POST',
    '/v1.0/users/{user}/events/{id}/decline',
    withRoom(PERMS.calendarsWrite, (req, t, room) => {
      const ev = t.eventsById.get(req.params.id ?? '');
      if (!ev || ev.deleted || ev.roomId !== room.id) return itemNotFound(req);
      const body = parseJsonBody(req);
      if (!body) return graphError(req, 400, 'RequestBodyRead', 'Invalid JSON in the request body.');
      declineEvent(t, ev.id, typeof body.comment === 'string' ? body.comment : '');
      return { status: 202, body: '' };
    }),
  );
  router.add(
    'POST',
    '/v1.0/users/{user}/events/{id}/cancel',
    withRoom(PERMS.calendarsWrite, (req, t, room) => {
      const ev = t.eventsById.get(req.params.id ?? '');
      if (!ev || ev.deleted || ev.roomId !== room.id) return itemNotFound(req);
      if (ev.organizer.address.toLowerCase() !== room.emailAddress.toLowerCase()) {
        return graphError(
          req,
          400,
          'ErrorInvalidRequest',
          "Your request can't be completed. You need to be an organizer to cancel a meeting.",
        );
      }
      cancelEvent(t, ev.id);
      return { status: 202, body: '' };
    }),
  );
}

function itemNotFound(req: SimRequest): SimResponse {
  return graphError(req, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

function listEvents(req: SimRequest, t: Tenant, room: RoomRecord): SimResponse {
  const top = req.query.has('$top') ? Number(req.query.get('$top')) : 10;
  const skip = req.query.has('$skip') ? Number(req.query.get('$skip')) : 0;
  if (!Number.isInteger(top) || top < 1 || top > 1000 || !Number.isInteger(skip) || skip < 0) {
    return graphError(req, 400, 'ErrorInvalidUrlQuery', 'The value of $top or $skip is invalid.');
  }
  const events = (t.calendars.get(room.id) ?? []).filter((e) => !e.deleted);
  const body: Record<string, unknown> = {
    '@odata.context': `${req.origin}/v1.0/$metadata#users('${room.emailAddress}')/events`,
  };
  if (skip + top < events.length)
    body['@odata.nextLink'] = link(req.origin, req.path, req.query, { $top: String(top), $skip: String(skip + top) });
  body.value = events.slice(skip, skip + top).map((e) => eventJson(e, room));
  return { status: 200, body };
}

function createEvent(req: SimRequest, t: Tenant, room: RoomRecord): SimResponse {
  const body = parseJsonBody(req);
  if (!body) return graphError(req, 400, 'RequestBodyRead', 'Invalid JSON in the request body.');
  const start = parseGraphDateTime(body.start);
  const end = parseGraphDateTime(body.end);
  if (!start || !end)
    return graphError(req, 400, 'ErrorInvalidRequest', 'An event needs start and end as {dateTime, timeZone}.');
  try {
    // Created in the room's own calendar by the app: the room mailbox is the organizer.
    const ev = bookEvent(t, room.id, {
      subject: typeof body.subject === 'string' ? body.subject : '',
      start,
      end,
      organizer: { name: room.displayName, address: room.emailAddress },
      ...(body.body && typeof body.body === 'object'
        ? { body: String((body.body as { content?: unknown }).content ?? '') }
        : {}),
    });
    return {
      status: 201,
      body: {
        '@odata.context': `${req.origin}/v1.0/$metadata#users('${room.emailAddress}')/events/$entity`,
        ...eventJson(ev, room),
      },
    };
  } catch (err) {
    if (err instanceof SimulatorError) return graphError(req, err.status, 'ErrorInvalidRequest', err.message);
    throw err;
  }
}
