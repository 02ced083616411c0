/** @ones-m365/shared/sso: the pieces of "Sign in with Microsoft" (contract.md, design.md flow 9). */
export { allowedReturnTo, withTicket } from './return-to.js';
export {
  PENDING_TTL_SECONDS,
  randomToken,
  SignInStore,
  TICKET_TTL_SECONDS,
  type PendingSignIn,
  type SignInTicket,
} from './sign-in-store.js';
export { expectedIssuer, TenantKeysResolver, type DiscoveryFetch, type TenantKeys } from './tenant-keys.js';
export {
  IdTokenError,
  verifyIdToken,
  type ExpectedIdToken,
  type IdTokenProblem,
  type VerifiedIdToken,
} from './id-token.js';
export {
  AuthCodeClient,
  CodeRedemptionError,
  createPkce,
  SIGN_IN_SCOPES,
  type AuthorizeRequest,
  type RedeemRequest,
} from './auth-code-client.js';
export { microsoftFailure, SignInFailure, signInFailures, type SignInFailureInfo } from './sign-in-failure.js';
export { createSignInClient, type SignInClient } from './sign-in-client.js';
