/**
 * Calendars: a room's calendarView delta, the room's decline, a small probe, and what bookings made
 * in ONES need: events written to, moved in and cancelled from a mailbox, free/busy, series
 * masters and their occurrences, events by iCalUId.
 */
import type {
  CalendarDeltaRequest,
  EventsDeltaPage,
  GraphConnection,
  GraphEvent,
  GraphEventPatch,
  GraphScheduleItem,
  NewGraphEvent,
} from './graph-types.js';
import { GraphRequestError } from './graph-error-types.js';
import { seg, type GraphTransport } from './graph-transport.js';
import { mapEvent, mapScheduleItem } from './map-event.js';
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

/**
 * The extended property that tags an event this service wrote with its ONES booking id
 * (`singleValueExtendedProperties`, a named string property in this service's own property set).
 * Graph copies it to no attendee, so the room's copy is recognised by its iCalUId.
 */
export const ONES_BOOKING_PROPERTY = 'String {8d1b7f3e-4c52-4a8e-9b61-0f3c2e7a5d94} Name onesBookingId';
const UTC_PREFER = { Prefer: 'outlook.timezone="UTC"' };

/** Graph's `{dateTime, timeZone}` for an instant, in UTC. */
export function graphDateTime(d: Date): { dateTime: string; timeZone: 'UTC' } {
  if (Number.isNaN(d.getTime())) throw new GraphRequestError('Invalid event date');
  return { dateTime: d.toISOString().replace(/Z$/, ''), timeZone: 'UTC' };
}

function mapped(body: unknown, operation: string): GraphEvent {
  const ev = body && typeof body === 'object' ? mapEvent(body as Record<string, unknown>) : null;
  if (!ev) throw new GraphRequestError(`Microsoft Graph answered ${operation} without an event`);
  return ev;
}

function attendeesOf(room: NewGraphEvent['room'], attendees: string[]): unknown[] {
  return [
    ...(room.asAttendee ? [{ type: 'resource', emailAddress: { address: room.email, name: room.name } }] : []),
    ...attendees.map((address) => ({ type: 'required', emailAddress: { address } })),
  ];
}

/** One event of a mailbox (a series master included), its times in UTC. */
export async function getEvent(
  t: GraphTransport,
  conn: GraphConnection,
  mailbox: string,
  eventId: string,
): Promise<GraphEvent> {
  const res = await t.send(conn, {
    method: 'GET',
    path: `/users/${seg(mailbox)}/events/${seg(eventId)}`,
    headers: UTC_PREFER,
  });
  return mapped(res.body, 'GET /users/{mailbox}/events/{id}');
}

/** Occurrences of a series in [start, end) (at most `top`), e.g. to learn whether it reaches past a date. */
export async function seriesInstances(
  t: GraphTransport,
  conn: GraphConnection,
  mailbox: string,
  masterId: string,
  window: { start: Date; end: Date; top?: number },
): Promise<GraphEvent[]> {
  const res = await t.send(conn, {
    method: 'GET',
    path: `/users/${seg(mailbox)}/events/${seg(masterId)}/instances`,
    query: {
      startDateTime: iso(window.start),
      endDateTime: iso(window.end),
      $top: window.top ?? 1,
      $select: 'id,start,end,type,seriesMasterId',
    },
    headers: UTC_PREFER,
  });
  return readPage(res.body, 'GET /users/{mailbox}/events/{id}/instances')
    .value.map(mapEvent)
    .filter((e) => e !== null);
}

/** Events of a mailbox's calendar with this iCalUId (every copy of one meeting shares it). */
export async function eventsByICalUId(
  t: GraphTransport,
  conn: GraphConnection,
  mailbox: string,
  iCalUId: string,
): Promise<GraphEvent[]> {
  const res = await t.send(conn, {
    method: 'GET',
    path: `/users/${seg(mailbox)}/events`,
    query: { $filter: `iCalUId eq '${iCalUId.replace(/'/g, "''")}'`, $top: 10 },
    headers: UTC_PREFER,
  });
  return readPage(res.body, 'GET /users/{mailbox}/events?$filter=iCalUId')
    .value.map(mapEvent)
    .filter((e) => e !== null);
}

/**
 * Writes a booking made in ONES to a mailbox's calendar: the organizer's (the room a resource
 * attendee, so the room mailbox gets the request) or the room's own. `transactionId` makes a
 * retried POST idempotent; the booking id is tagged as an extended property on this copy.
 */
export async function createEvent(
  t: GraphTransport,
  conn: GraphConnection,
  mailbox: string,
  input: NewGraphEvent,
): Promise<GraphEvent> {
  const res = await t.send(conn, {
    method: 'POST',
    path: `/users/${seg(mailbox)}/events`,
    headers: UTC_PREFER,
    body: {
      subject: input.subject,
      ...(input.body !== undefined ? { body: { contentType: 'text', content: input.body } } : {}),
      start: graphDateTime(input.start),
      end: graphDateTime(input.end),
      location: {
        displayName: input.room.name,
        locationEmailAddress: input.room.email,
        locationType: 'conferenceRoom',
      },
      attendees: attendeesOf(input.room, input.attendees),
      transactionId: input.bookingId,
      singleValueExtendedProperties: [{ id: ONES_BOOKING_PROPERTY, value: input.bookingId }],
    },
  });
  return mapped(res.body, 'POST /users/{mailbox}/events');
}

/** Moves or edits an event this service wrote (the room stays its resource attendee). */
export async function updateEvent(
  t: GraphTransport,
  conn: GraphConnection,
  mailbox: string,
  eventId: string,
  patch: GraphEventPatch,
): Promise<GraphEvent> {
  const res = await t.send(conn, {
    method: 'PATCH',
    path: `/users/${seg(mailbox)}/events/${seg(eventId)}`,
    headers: UTC_PREFER,
    body: {
      ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
      ...(patch.body !== undefined ? { body: { contentType: 'text', content: patch.body } } : {}),
      ...(patch.start ? { start: graphDateTime(patch.start) } : {}),
      ...(patch.end ? { end: graphDateTime(patch.end) } : {}),
      ...(patch.attendees ? { attendees: attendeesOf(patch.room, patch.attendees) } : {}),
    },
  });
  return mapped(res.body, 'PATCH /users/{mailbox}/events/{id}');
}

/** The organizer cancels the meeting (202); attendees, the room included, get the cancellation with `comment`. */
export async function cancelEvent(
  t: GraphTransport,
  conn: GraphConnection,
  mailbox: string,
  eventId: string,
  comment: string,
): Promise<void> {
  await t.send(conn, {
    method: 'POST',
    path: `/users/${seg(mailbox)}/events/${seg(eventId)}/cancel`,
    body: { comment },
  });
}

/** The mailbox's busy slots in [start, end) (free/busy, `getSchedule`), in UTC. */
export async function getSchedule(
  t: GraphTransport,
  conn: GraphConnection,
  mailbox: string,
  window: { start: Date; end: Date },
): Promise<GraphScheduleItem[]> {
  const res = await t.send(conn, {
    method: 'POST',
    path: `/users/${seg(mailbox)}/calendar/getSchedule`,
    headers: UTC_PREFER,
    body: {
      schedules: [mailbox],
      startTime: graphDateTime(window.start),
      endTime: graphDateTime(window.end),
      availabilityViewInterval: 15,
    },
  });
  const page = readPage(res.body, 'POST /users/{mailbox}/calendar/getSchedule');
  const mine = page.value.find(
    (s) => typeof s.scheduleId === 'string' && s.scheduleId.toLowerCase() === mailbox.toLowerCase(),
  );
  const error = mine?.error as { message?: unknown } | undefined;
  if (error) throw new GraphRequestError(`getSchedule could not read ${mailbox}: ${String(error.message ?? 'error')}`);
  const items = Array.isArray(mine?.scheduleItems) ? (mine.scheduleItems as Record<string, unknown>[]) : [];
  return items.map(mapScheduleItem).filter((i) => i !== null);
}
