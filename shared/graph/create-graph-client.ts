/**
 * Builds the GraphClient: one MsalTokenProvider (MSAL app + token cache per integration) and one
 * MsGraphTransport (graph-client `Client` per integration), with the verbs on top.
 */
import * as calendar from './calendar-api.js';
import * as directory from './directory-api.js';
import type { GraphClient } from './graph-client.js';
import type { GraphObserver } from './graph-observer.js';
import type { GraphConnection, GraphTokenInfo } from './graph-types.js';
import { MsGraphTransport, type MsGraphTransportOptions } from './msgraph-graph-client.js';
import type { FetchLike } from './msal-network-client.js';
import * as rooms from './rooms-api.js';
import { PLACES_DEFAULT_PAGE_SIZE } from './paging.js';
import * as subscriptions from './subscriptions-api.js';
import { renewSubscriptions } from './subscriptions-batch.js';
import { MsalTokenProvider, type CreateClientCredentialApp } from './token-provider.js';

export interface GraphClientOptions {
  /** One transport for the login host and Graph (tests, special networks); global fetch by default. */
  fetch?: FetchLike;
  /** Per-request timeout towards the login host (default 6 s). */
  loginTimeoutMs?: number;
  /** Per-request timeout towards Graph (default 30 s). */
  requestTimeoutMs?: number;
  /** SDK retries of 429/503/504 (default 2). */
  maxRetries?: number;
  /** Base back-off in seconds without Retry-After (default 1). */
  retryDelaySeconds?: number;
  /** Longest Retry-After waited in-process (default 5 s); longer → GraphThrottledError. */
  maxRetryAfterMs?: number;
  /** `$top` for the Places API (default 100, its documented default page size). */
  roomsPageSize?: number;
  /** Integrations kept in memory (default 1000, least recently used dropped). */
  maxCachedIntegrations?: number;
  /** Test seam: build MSAL's confidential client. */
  createMsalApp?: CreateClientCredentialApp;
  /** Told every Graph answer and token outcome (the service's operational records). */
  observer?: GraphObserver;
}

export function createGraphClient(options: GraphClientOptions = {}): GraphClient {
  const tokens = new MsalTokenProvider({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.loginTimeoutMs !== undefined ? { loginTimeoutMs: options.loginTimeoutMs } : {}),
    ...(options.maxCachedIntegrations !== undefined ? { maxEntries: options.maxCachedIntegrations } : {}),
    ...(options.createMsalApp ? { createApp: options.createMsalApp } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const transportOptions: MsGraphTransportOptions = {
    tokens,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.retryDelaySeconds !== undefined ? { retryDelaySeconds: options.retryDelaySeconds } : {}),
    ...(options.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: options.maxRetryAfterMs } : {}),
    ...(options.maxCachedIntegrations !== undefined ? { maxEntries: options.maxCachedIntegrations } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  };
  const t = new MsGraphTransport(transportOptions);
  const top = options.roomsPageSize ?? PLACES_DEFAULT_PAGE_SIZE;

  return {
    async getToken(conn: GraphConnection, opts = {}): Promise<GraphTokenInfo> {
      const token = await tokens.getToken(conn);
      const info: GraphTokenInfo = {
        roles: [...token.roles],
        expiresOn: token.expiresOn,
        tenantId: token.tenantId,
        appId: token.appId,
        claimsDecoded: token.claimsDecoded,
      };
      if (opts.includeAccessToken) info.accessToken = token.accessToken;
      return info;
    },
    listRoomsPage: (conn, cursor) => rooms.listRoomsPage(t, conn, top, cursor),
    iterateRooms: (conn) => rooms.iterateRooms(t, conn, top),
    listRoomListsPage: (conn, cursor) => rooms.listRoomListsPage(t, conn, top, cursor),
    listRoomsInListPage: (conn, email, cursor) => rooms.listRoomsInListPage(t, conn, email, top, cursor),
    listUsersPage: (conn, o) => directory.listUsersPage(t, conn, o),
    usersDelta: (conn, o) => directory.usersDelta(t, conn, o),
    usersDeltaLatest: (conn, select) => directory.usersDeltaLatest(t, conn, select),
    getAvailableExtensionProperties: (conn) => directory.getAvailableExtensionProperties(t, conn),
    listGroupsPage: (conn, o) => directory.listGroupsPage(t, conn, o),
    getGroup: (conn, id) => directory.getGroup(t, conn, id),
    transitiveMemberUserIds: (conn, id) => directory.transitiveMemberUserIds(t, conn, id),
    calendarViewDelta: (conn, room, req, size) => calendar.calendarViewDelta(t, conn, room, req, size),
    declineEvent: (conn, room, id, comment) => calendar.declineEvent(t, conn, room, id, comment),
    listEvents: (conn, room, o) => calendar.listEvents(t, conn, room, o),
    getEvent: (conn, mailbox, id) => calendar.getEvent(t, conn, mailbox, id),
    seriesInstances: (conn, mailbox, id, w) => calendar.seriesInstances(t, conn, mailbox, id, w),
    eventsByICalUId: (conn, mailbox, uid) => calendar.eventsByICalUId(t, conn, mailbox, uid),
    createEvent: (conn, mailbox, input) => calendar.createEvent(t, conn, mailbox, input),
    updateEvent: (conn, mailbox, id, patch) => calendar.updateEvent(t, conn, mailbox, id, patch),
    cancelEvent: (conn, mailbox, id, comment) => calendar.cancelEvent(t, conn, mailbox, id, comment),
    getSchedule: (conn, mailbox, w) => calendar.getSchedule(t, conn, mailbox, w),
    createSubscription: (conn, input) => subscriptions.createSubscription(t, conn, input),
    getSubscription: (conn, id) => subscriptions.getSubscription(t, conn, id),
    listSubscriptions: (conn) => subscriptions.listSubscriptions(t, conn),
    renewSubscription: (conn, id, exp) => subscriptions.renewSubscription(t, conn, id, exp),
    renewSubscriptions: (conn, renewals) => renewSubscriptions(t, conn, renewals),
    reauthorizeSubscription: (conn, id) => subscriptions.reauthorizeSubscription(t, conn, id),
    deleteSubscription: (conn, id) => subscriptions.deleteSubscription(t, conn, id),
    get requestCount() {
      return t.requestCount;
    },
    invalidate(integrationId: string): void {
      tokens.invalidate(integrationId);
      t.invalidate(integrationId);
    },
  };
}
