/**
 * The one typed client through which the service talks to Microsoft Graph. Verbs take the
 * integration's connection and return our own types; every failure rejects with a GraphFailure
 * (see graph-errors.ts). Paged verbs return one page at a time, with an opaque cursor or Graph's
 * own nextLink/deltaLink to store and pass back.
 */
import type {
  CalendarDeltaRequest,
  CreateSubscriptionInput,
  EventsDeltaPage,
  GraphConnection,
  GraphEvent,
  GraphEventPatch,
  GraphGroup,
  GraphScheduleItem,
  GraphRoom,
  GraphSubscription,
  GraphTokenInfo,
  GroupsPage,
  NewGraphEvent,
  PageCursor,
  RoomListsPage,
  RoomsPage,
  UsersDeltaPage,
  UsersPage,
} from './graph-types.js';
import type { SubscriptionRenewal, SubscriptionRenewalRequest } from './subscriptions-batch.js';

export interface GraphClient {
  /** App-only token facts for "Test settings": granted `roles`, expiry (token only on request). */
  getToken(conn: GraphConnection, options?: { includeAccessToken?: boolean }): Promise<GraphTokenInfo>;

  // Rooms (Places API): nextLink when Graph sends one, else $top/$skip.
  listRoomsPage(conn: GraphConnection, cursor?: PageCursor): Promise<RoomsPage>;
  /** Every room, page by page under the hood. */
  iterateRooms(conn: GraphConnection): AsyncIterable<GraphRoom>;
  listRoomListsPage(conn: GraphConnection, cursor?: PageCursor): Promise<RoomListsPage>;
  /** Rooms of one room list, addressed by the list's email address. */
  listRoomsInListPage(conn: GraphConnection, roomListEmail: string, cursor?: PageCursor): Promise<RoomsPage>;

  // Users.
  /** `$top=999` (or `top`, for a probe), paged by nextLink. */
  listUsersPage(
    conn: GraphConnection,
    options: { select: readonly string[]; cursor?: PageCursor; top?: number },
  ): Promise<UsersPage>;
  /** First call (no link) sends `$select`; later calls follow the stored nextLink/deltaLink verbatim. */
  usersDelta(conn: GraphConnection, options: { select: readonly string[]; link?: string }): Promise<UsersDeltaPage>;
  /** A deltaLink that starts "from now" (`$deltatoken=latest`), without reading any user. */
  usersDeltaLatest(conn: GraphConnection, select: readonly string[]): Promise<string>;
  /** Names of directory extension properties available on users, e.g. `extension_<appId>_pager`. */
  getAvailableExtensionProperties(conn: GraphConnection): Promise<string[]>;

  // Groups.
  listGroupsPage(
    conn: GraphConnection,
    options?: { select?: readonly string[]; cursor?: PageCursor; top?: number },
  ): Promise<GroupsPage>;
  getGroup(conn: GraphConnection, groupId: string): Promise<GraphGroup>;
  /** Ids of the users that are direct or nested members, one page (array) at a time. */
  transitiveMemberUserIds(conn: GraphConnection, groupId: string): AsyncIterable<string[]>;

  // Room calendars.
  /** `calendarView/delta`: a window on the first call, then the stored link. */
  calendarViewDelta(
    conn: GraphConnection,
    roomIdOrEmail: string,
    request: CalendarDeltaRequest,
    maxPageSize?: number,
  ): Promise<EventsDeltaPage>;
  /** The room declines the event (202), telling the organizer why. */
  declineEvent(conn: GraphConnection, roomIdOrEmail: string, eventId: string, comment: string): Promise<void>;
  /** A few events of a room mailbox (a permission probe). */
  listEvents(conn: GraphConnection, roomIdOrEmail: string, options?: { top?: number }): Promise<GraphEvent[]>;
  /** One event of a mailbox (a series master with its recurrence range). */
  getEvent(conn: GraphConnection, mailbox: string, eventId: string): Promise<GraphEvent>;
  /** Occurrences of a series within a window (at most `top`, default 1). */
  seriesInstances(
    conn: GraphConnection,
    mailbox: string,
    masterId: string,
    window: { start: Date; end: Date; top?: number },
  ): Promise<GraphEvent[]>;
  /** The mailbox's copies of a meeting, by the iCalUId every copy shares. */
  eventsByICalUId(conn: GraphConnection, mailbox: string, iCalUId: string): Promise<GraphEvent[]>;
  /** Writes an event (a booking made in ONES) to a mailbox's calendar. */
  createEvent(conn: GraphConnection, mailbox: string, input: NewGraphEvent): Promise<GraphEvent>;
  /** Moves or edits an event this service wrote. */
  updateEvent(conn: GraphConnection, mailbox: string, eventId: string, patch: GraphEventPatch): Promise<GraphEvent>;
  /** The organizer cancels a meeting (202), telling the attendees why. */
  cancelEvent(conn: GraphConnection, mailbox: string, eventId: string, comment: string): Promise<void>;
  /** A mailbox's busy slots in a window (free/busy). */
  getSchedule(conn: GraphConnection, mailbox: string, window: { start: Date; end: Date }): Promise<GraphScheduleItem[]>;

  // Change-notification subscriptions.
  createSubscription(conn: GraphConnection, input: CreateSubscriptionInput): Promise<GraphSubscription>;
  getSubscription(conn: GraphConnection, subscriptionId: string): Promise<GraphSubscription>;
  listSubscriptions(conn: GraphConnection): Promise<GraphSubscription[]>;
  /** PATCH expirationDateTime (also reauthorizes). Returns the expiry Graph actually set. */
  renewSubscription(
    conn: GraphConnection,
    subscriptionId: string,
    expirationDateTime: Date | string,
  ): Promise<GraphSubscription>;
  /** Many renewals in `$batch`es of 20; each one's result (Graph's expiry, or its own failure). */
  renewSubscriptions(
    conn: GraphConnection,
    renewals: readonly SubscriptionRenewalRequest[],
  ): Promise<SubscriptionRenewal[]>;
  reauthorizeSubscription(conn: GraphConnection, subscriptionId: string): Promise<void>;
  deleteSubscription(conn: GraphConnection, subscriptionId: string): Promise<void>;

  /** HTTP requests sent to Graph by this client since it was made (retries included). */
  readonly requestCount: number;
  /** Drop the cached MSAL app, tokens and Graph client of an integration. */
  invalidate(integrationId: string): void;
}
