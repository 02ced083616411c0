/**
 * Behaviour switches. Several choose between real-Graph behaviours that the docs leave open
 * (UNCONFIRMED in graph-facts.md); the README lists each with its default.
 */

export type DeltaExpiredMode = 'gone' | 'syncStateNotFound' | 'resyncRequired';

export interface SubscriptionQuotas {
  /** /users subscriptions per app per tenant (Graph: 100). */
  usersPerAppPerTenant: number;
  /** Subscriptions per tenant, all apps (Graph: 1,000 for directory resources). */
  perTenant: number;
  /** Event subscriptions per mailbox, all apps (Graph: 1,000). */
  perMailbox: number;
}

export interface Settings {
  /** Users per /users/delta page (Graph decides; ~200 in practice). */
  deltaPageSize: number;
  /** calendarView/delta page size when the client sends no `Prefer: odata.maxpagesize`. */
  eventDeltaPageSize: number;
  /** Whether places lists carry `@odata.nextLink` (real tenants often omit it). Default false. */
  placesNextLink: boolean;
  /** 'configured' normal; 'empty' answers empty lists; 'error' answers 400 ErrorPlacesNotConfigured. */
  placesMode: 'configured' | 'empty' | 'error';
  /** Re-send a few already-delivered users at the start of each delta round (Graph "replays"). */
  deltaReplays: boolean;
  /** How an expired users-delta token is answered. */
  deltaExpiredMode: DeltaExpiredMode;
  /** Directory delta tokens expire after this (Graph: 7 days). */
  deltaTokenMaxAgeMs: number;
  /** true: any http:// notificationUrl; 'loopback': only http to 127.0.0.0/8, ::1, localhost; false: https only. */
  allowHttpNotificationUrls: boolean | 'loopback';
  /** Notifications for one URL within this window go in one POST. */
  notificationBatchMs: number;
  /** Max notifications in one POST. */
  notificationBatchMax: number;
  /** A delivery not answered 2xx within this is a failure and is retried. */
  notificationTimeoutMs: number;
  /** First retry delay; doubles each time. */
  notificationRetryBaseMs: number;
  /** Give up on a batch after this long (Graph: 4 hours). */
  notificationRetryForMs: number;
  /** The validation handshake must be answered within this (Graph: 10 s). */
  validationTimeoutMs: number;
  subscriptionQuotas: SubscriptionQuotas;
  /** A requested expiry beyond the resource's maximum: 'clamp' to the maximum, or 'reject' with 400. */
  subscriptionOverMaxLifetime: 'clamp' | 'reject';
  /** Lifetime of issued access tokens, seconds (Entra: 60-90 min; 3599 here). */
  accessTokenLifetimeSeconds: number;
  /** Concurrent requests per mailbox before 429 MailboxConcurrency (Outlook: 4 per app and mailbox). */
  mailboxConcurrencyLimit: number;
}

export const DEFAULT_SETTINGS: Settings = {
  deltaPageSize: 200,
  eventDeltaPageSize: 10,
  placesNextLink: false,
  placesMode: 'configured',
  deltaReplays: false,
  deltaExpiredMode: 'gone',
  deltaTokenMaxAgeMs: 7 * 86_400_000,
  allowHttpNotificationUrls: 'loopback',
  notificationBatchMs: 50,
  notificationBatchMax: 100,
  notificationTimeoutMs: 3_000,
  notificationRetryBaseMs: 500,
  notificationRetryForMs: 4 * 3_600_000,
  validationTimeoutMs: 10_000,
  subscriptionQuotas: { usersPerAppPerTenant: 100, perTenant: 1_000, perMailbox: 1_000 },
  subscriptionOverMaxLifetime: 'clamp',
  accessTokenLifetimeSeconds: 3599,
  mailboxConcurrencyLimit: 4,
};
