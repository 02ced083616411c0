/** What the sign-in flow talks to at Microsoft: MSAL for the code, the tenant's keys for the ID token. */
import { AuthCodeClient } from './auth-code-client.js';
import { TenantKeysResolver } from './tenant-keys.js';

export interface SignInClient {
  authCodes: Pick<AuthCodeClient, 'authorizeUrl' | 'redeem'>;
  tenantKeys: Pick<TenantKeysResolver, 'forCloud'>;
}

/** Built by a process's main.ts: nothing connects before the first sign-in. */
export function createSignInClient(): SignInClient {
  return { authCodes: new AuthCodeClient(), tenantKeys: new TenantKeysResolver() };
}
