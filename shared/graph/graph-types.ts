/**
 * Our own types for everything that crosses the Graph boundary. Nothing from the Graph SDK,
 * @microsoft/microsoft-graph-types or MSAL appears here.
 */
import type { GraphCloud, GraphEndpoints } from './clouds.js';
import type { RequestLanes } from './request-lanes.js';

/** Counts the HTTP requests sent to Graph (each retry counts), e.g. for one sync run. */
export interface GraphRequestCounter {
  count: number;
}

export function createRequestCounter(): GraphRequestCounter {
  return { count: 0 };
}

/** Everything needed to reach one integration's tenant. The secret is only ever hashed or sent to the login host. */
export interface GraphConnection {
  /** Integration id: the key of the cached MSAL app and Graph client. */
  id: string;
  cloud: GraphCloud;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Simulator or proxy endpoints (https); null/absent for the cloud's own hosts. */
  endpoints?: GraphEndpoints | null;
  /** When set, every HTTP request sent to Graph for this connection increments it. */
  counter?: GraphRequestCounter;
  /** When set, each request waits for a free lane and holds it until its answer is read. */
  lanes?: RequestLanes;
}

export interface GraphTokenInfo {
  /** Only when asked for (`includeAccessToken`); never log it. */
  accessToken?: string;
  /** Granted application permissions (the token's `roles`). Empty: admin consent missing. */
  roles: string[];
  expiresOn: Date;
  tenantId: string | null;
  appId: string | null;
  /** False when the token was not a readable JWT (then `roles` tells nothing). */
  claimsDecoded: boolean;
}

/** Opaque paging cursor: store it as is, pass it back as is. */
export type PageCursor = string;

export type RoomBookingType = 'standard' | 'reserved' | 'unknown';

export interface GraphPhysicalAddress {
  street: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  countryOrRegion: string | null;
}

export interface GraphRoom {
  /** Not immutable (graph-facts §2): key rooms by `emailAddress` (or `placeId`). */
  id: string;
  placeId: string | null;
  emailAddress: string | null;
  displayName: string | null;
  nickname: string | null;
  label: string | null;
  capacity: number | null;
  building: string | null;
  floorNumber: number | null;
  floorLabel: string | null;
  bookingType: RoomBookingType | null;
  isWheelChairAccessible: boolean | null;
  tags: string[];
  phone: string | null;
  address: GraphPhysicalAddress | null;
  audioDeviceName: string | null;
  videoDeviceName: string | null;
  displayDeviceName: string | null;
}

export interface GraphRoomList {
  id: string;
  emailAddress: string | null;
  displayName: string | null;
}

export interface RoomsPage {
  rooms: GraphRoom[];
  nextCursor?: PageCursor;
}

export interface RoomListsPage {
  roomLists: GraphRoomList[];
  nextCursor?: PageCursor;
}

export interface GraphUser {
  id: string;
  userPrincipalName: string | null;
  mail: string | null;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  /** Null when not selected or not returned: never read null as "disabled". */
  accountEnabled: boolean | null;
  employeeId: string | null;
  /** extensionAttribute1..15 as returned (null when not selected). */
  onPremisesExtensionAttributes: Record<string, string | null> | null;
  /** Every other returned property, e.g. `extension_<appId>_pager`, `jobTitle`. */
  extra: Record<string, unknown>;
}

export type RemovedReason = 'changed' | 'deleted';

/** `@removed` entry of a delta page: `changed` = soft-deleted, `deleted` = gone for good. */
export interface RemovedItem {
  id: string;
  reason: RemovedReason;
}

export interface UsersPage {
  users: GraphUser[];
  nextCursor?: PageCursor;
}

export interface UsersDeltaPage {
  users: GraphUser[];
  removed: RemovedItem[];
  /** Follow it for the next page (the page may be empty). */
  nextLink?: string;
  /** Present on the last page: store it for the next delta run. */
  deltaLink?: string;
}

export interface GraphGroup {
  id: string;
  displayName: string | null;
  description: string | null;
  mail: string | null;
  mailEnabled: boolean | null;
  securityEnabled: boolean | null;
  groupTypes: string[];
}

export interface GroupsPage {
  groups: GraphGroup[];
  nextCursor?: PageCursor;
}

export interface GraphEmailAddress {
  name: string | null;
  address: string | null;
}

export interface GraphAttendee extends GraphEmailAddress {
  type: string | null;
  response: string | null;
}

export interface GraphEvent {
  id: string;
  iCalUId: string | null;
  seriesMasterId: string | null;
  /** singleInstance | occurrence | exception | seriesMaster */
  type: string | null;
  subject: string | null;
  /** ISO 8601 in UTC (`…Z`); null when Graph sent none. */
  start: string | null;
  end: string | null;
  isAllDay: boolean;
  isCancelled: boolean;
  showAs: string | null;
  /** normal | personal | private | confidential */
  sensitivity: string | null;
  organizer: GraphEmailAddress | null;
  attendees: GraphAttendee[];
  location: string | null;
  /** The mailbox owner's (the room's) response: accepted, declined, … */
  responseStatus: string | null;
  createdDateTime: string | null;
  lastModifiedDateTime: string | null;
  changeKey: string | null;
  /** A series master's recurrence range (null on everything else). */
  recurrence: GraphRecurrenceRange | null;
}

/** How a series ends (Graph's recurrenceRange): on a date, after N occurrences, or never. */
export interface GraphRecurrenceRange {
  type: 'endDate' | 'numbered' | 'noEnd' | string;
  /** `YYYY-MM-DD`, the last day an occurrence may fall on (type endDate). */
  endDate: string | null;
  numberOfOccurrences: number | null;
  recurrenceTimeZone: string | null;
}

/** An event this service writes to a mailbox's calendar (a booking made in ONES). */
export interface NewGraphEvent {
  subject: string;
  /** Plain text. */
  body?: string;
  start: Date;
  end: Date;
  /** The room: the event's location, and a resource attendee unless the room's own calendar is written. */
  room: { email: string; name: string; asAttendee: boolean };
  /** Required attendees (email addresses). */
  attendees: string[];
  /** Makes a retried create idempotent at Graph; also tagged as an extended property on the copy written. */
  bookingId: string;
}

export type GraphEventPatch = Partial<Pick<NewGraphEvent, 'subject' | 'body' | 'start' | 'end' | 'attendees'>> & {
  room: NewGraphEvent['room'];
};

/** One busy slot of a mailbox's free/busy (getSchedule's scheduleItem). */
export interface GraphScheduleItem {
  /** busy | tentative | oof | workingElsewhere | free | unknown */
  status: string;
  start: string;
  end: string;
}

export interface EventsDeltaPage {
  events: GraphEvent[];
  /** Deleted, or moved out of the window: filter by your window (graph-facts §5). */
  removed: RemovedItem[];
  nextLink?: string;
  deltaLink?: string;
}

export type CalendarDeltaRequest = { start: Date | string; end: Date | string } | { link: string };

export type SubscriptionChangeType = 'created' | 'updated' | 'deleted';

export interface CreateSubscriptionInput {
  /** e.g. "updated,deleted" or ["updated", "deleted"] */
  changeType: string | SubscriptionChangeType[];
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  /** Without base URL, e.g. "/users" or "/users/{id}/events". */
  resource: string;
  expirationDateTime: Date | string;
  clientState: string;
  latestSupportedTlsVersion?: 'v1_0' | 'v1_1' | 'v1_2' | 'v1_3';
}

export interface GraphSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string | null;
  lifecycleNotificationUrl: string | null;
  /** ISO 8601, as Graph set it (it may differ from what was asked). */
  expirationDateTime: string;
  clientState: string | null;
  applicationId: string | null;
  latestSupportedTlsVersion: string | null;
}
