/**
 * What the subscription manager subscribes to, as data: one spec per subscription, each naming
 * the stream its notifications turn into a delta run of. The manager is generic over these specs:
 * `/users` (stream `users`), and one `/users/{room mailbox}/events` per synced, active room (stream
 * `calendar:<roomId>`).
 */
import type { IntegrationEntity } from '../db/index.js';
import { formatStreamKey, type StreamKey } from '../sync/index.js';

export interface SubscriptionSpec {
  /** Graph resource, without base URL. */
  resource: string;
  changeType: string;
  /** The sync stream a notification on this resource turns into a delta run of. */
  stream: StreamKey;
  /** Lifetime to ask for; Graph may set less (its answer is what is stored). */
  lifetimeMinutes: number;
}

/** Directory resources live up to 41,760 min (graph-facts §6); ask for a little less. */
export const USERS_SUBSCRIPTION: SubscriptionSpec = {
  resource: '/users',
  // Users allow only these two: creation and soft deletion arrive as `updated`.
  changeType: 'updated,deleted',
  stream: 'users',
  lifetimeMinutes: lifetimeMinutesFor('/users'),
};

/**
 * Lifetime to ask for a resource: directory resources 41,760 min, Outlook resources the
 * conservative 4,230 min (graph-facts §6); always a little less, and Graph's answer is what counts.
 */
export function lifetimeMinutesFor(resource: string): number {
  return /^\/?(users|groups)$/i.test(resource) || /^\/?users\/[^/]+$/i.test(resource) ? 41_760 - 60 : 4_230 - 30;
}

/** What `desiredSubscriptions` reads of an integration. */
export type SubscribedIntegration = Pick<IntegrationEntity, 'status' | 'syncMode' | 'deletedAt'>;

/** A synced, active room of the integration (room calendars subscribe one per room). */
export interface SubscribedRoom {
  id: string;
  /** The room's mailbox (Graph addresses a room's calendar by its SMTP address). */
  email: string;
}

/**
 * A room's calendar: every event created, changed or deleted in the room mailbox. Notifications
 * name `Users/{id}/Events/{id}`; only the subscription matters here (its row names the stream),
 * so the room's own delta run reads what changed. Outlook resources live under 7 days: the
 * conservative 4,230 min is asked for, and Graph's answer is stored. The resource is a string in
 * the request body, not a URL: the address goes in as it is (an SMTP address has no `/`).
 */
export function roomCalendarSubscription(room: SubscribedRoom): SubscriptionSpec {
  const resource = `/users/${room.email}/events`;
  return {
    resource,
    changeType: 'created,updated,deleted',
    stream: formatStreamKey({ kind: 'calendar', roomId: room.id }),
    lifetimeMinutes: lifetimeMinutesFor(resource),
  };
}

/** Each kind of subscription, registered once: the specs it asks for, given the integration's rooms. */
const SUBSCRIPTION_KINDS: readonly ((rooms: readonly SubscribedRoom[]) => SubscriptionSpec[])[] = [
  () => [USERS_SUBSCRIPTION],
  (rooms) => rooms.map(roomCalendarSubscription),
];

/** Whether the integration should hold Graph subscriptions at all: live, enabled, in webhook mode. */
export function wantsSubscriptions(integration: SubscribedIntegration): boolean {
  return integration.deletedAt === null && integration.status === 'enabled' && integration.syncMode === 'webhooks';
}

/** The subscriptions the integration should hold (none unless it wants subscriptions). */
export function desiredSubscriptions(
  integration: SubscribedIntegration,
  rooms: readonly SubscribedRoom[],
): SubscriptionSpec[] {
  return wantsSubscriptions(integration) ? SUBSCRIPTION_KINDS.flatMap((kind) => kind(rooms)) : [];
}
