/** Names shared by the worker that keeps subscriptions and schedules, and the api's health checks. */

/** The BullMQ job scheduler running an integration's delta (polling, or the safety net). */
export const pollSchedulerId = (integrationId: string) => `poll:${integrationId}`;

/** statusReason written by the subscriptions reconcile starts with this (and only such a reason is cleared by it). */
export const FALLBACK_PREFIX = 'Change notifications unavailable:';
