/**
 * @ones-m365/shared/graph: the one typed client for Microsoft Graph and the Entra login host.
 * No Graph SDK, graph-types or MSAL type is exported from here.
 */
export { createGraphClient, type GraphClientOptions } from './create-graph-client.js';
export type { GraphClient } from './graph-client.js';
export { DEFAULT_EVENTS_PAGE_SIZE, ONES_BOOKING_PROPERTY } from './calendar-api.js';
export type { GraphObserver, TokenOutcome } from './graph-observer.js';
export * from './graph-types.js';
export { createRequestLanes, type RequestLanes } from './request-lanes.js';
export {
  MAX_BATCH_REQUESTS,
  type SubscriptionRenewal,
  type SubscriptionRenewalRequest,
} from './subscriptions-batch.js';
export {
  CLOUDS,
  GRAPH_CLOUDS,
  isGraphCloud,
  resolveCloud,
  type CloudDefinition,
  type CloudSettings,
  type GraphCloud,
  type GraphEndpoints,
  type ResolvedCloud,
} from './clouds.js';
export {
  AUTH_REASON_MESSAGES,
  GraphAuthError,
  GraphConfigError,
  GraphConflictError,
  GraphDeltaExpiredError,
  GraphFailure,
  GraphForbiddenError,
  GraphNotFoundError,
  GraphRequestError,
  GraphThrottledError,
  GraphTransientError,
  isGraphFailure,
  parseRetryAfter,
  toGraphError,
  type AuthFailureReason,
  type GraphFailureKind,
  type GraphFailureTarget,
  type TransientReason,
} from './graph-errors.js';
export {
  connectionFingerprint,
  MsalTokenProvider,
  type AppToken,
  type ClientCredentialApp,
  type ClientCredentialAppConfig,
  type CreateClientCredentialApp,
  type TokenProviderOptions,
} from './token-provider.js';
export { readAccessTokenClaims, type AccessTokenClaims } from './jwt-claims.js';
export type { FetchLike } from './msal-network-client.js';
