/**
 * What the subscription manager subscribes to, per resource type. The manager is generic over
 * these specs: `/users` now; room calendars (`/users/{room}/events`, stream `calendar:<roomId>`)
 * come with the calendar work through the same manager.
 */
import type { StreamKey } from '../sync/index.js';

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

/** The subscriptions an enabled integration in webhook mode should hold. */
export function desiredSubscriptions(): SubscriptionSpec[] {
  return [USERS_SUBSCRIPTION];
}
