/** Room calendars: calendarView delta, decline, a small probe. */
import type { CalendarDeltaRequest, EventsDeltaPage, GraphConnection, GraphEvent } from './graph-types.js';
import { GraphRequestError } from './graph-error-types.js';
import { seg, type GraphTransport } from './graph-transport.js';
import { mapEvent } from './map-event.js';
import { readPage, splitDelta } from './paging.js';

export const DEFAULT_EVENTS_PAGE_SIZE = 50;
const PROBE_SELECT = 'id,subject,start,end,organizer,isCancelled,type,lastModifiedDateTime';

/** Page size and UTC times; sent on every page (preferences are per request). */
function preferHeader(maxPageSize: number): Record<string, string> {
  return { Prefer: `odata.maxpagesize=${maxPageSize}, outlook.timezone="UTC"` };
}

export async function calendarViewDelta(
  t: GraphTransport,
  conn: GraphConnection,
  room: string,
  request: CalendarDeltaRequest,
  maxPageSize = DEFAULT_EVENTS_PAGE_SIZE,
): Promise<EventsDeltaPage> {
  if (!Number.isInteger(maxPageSize) || maxPageSize < 1)
    throw new GraphRequestError('maxPageSize must be a positive integer');
  const first = 'link' in request ? null : request;
  const res = await t.send(conn, {
    method: 'GET',
    path: first ? `/users/${seg(room)}/calendarView/delta` : (request as { link: string }).link,
    // $select is not supported on event delta; start/end are encoded into the links afterwards.
    query: first ? { startDateTime: iso(first.start), endDateTime: iso(first.end) } : undefined,
    headers: preferHeader(maxPageSize),
  });
  const page = readPage(res.body, 'GET /users/{room}/calendarView/delta');
  const { items, removed } = splitDelta(page.value, mapEvent);
  return {
    events: items,
    removed,
    ...(page.nextLink ? { nextLink: page.nextLink } : {}),
    ...(page.deltaLink ? { deltaLink: page.deltaLink } : {}),
  };
}

export async function declineEvent(
  t: GraphTransport,
  conn: GraphConnection,
  room: string,
  eventId: string,
  comment: string,
): Promise<void> {
  await t.send(conn, {
    method: 'POST',
    path: `/users/${seg(room)}/events/${seg(eventId)}/decline`,
    body: { comment, sendResponse: true },
  });
}

export async function listEvents(
  t: GraphTransport,
  conn: GraphConnection,
  room: string,
  options: { top?: number } = {},
): Promise<GraphEvent[]> {
  const res = await t.send(conn, {
    method: 'GET',
    path: `/users/${seg(room)}/events`,
    query: { $top: options.top ?? 1, $select: PROBE_SELECT },
    headers: { Prefer: 'outlook.timezone="UTC"' },
  });
  return readPage(res.body, 'GET /users/{room}/events')
    .value.map(mapEvent)
    .filter((e) => e !== null);
}

function iso(v: Date | string): string {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new GraphRequestError('Invalid calendar window date');
  return d.toISOString();
}
