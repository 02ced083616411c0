/**
 * The authorization-code half of MSAL: one ConfidentialClientApplication per integration (cached,
 * rebuilt when its credentials change) builds the authorize URL (PKCE S256, state, nonce, the
 * integration's single-tenant authority) and redeems the code with the verifier, the state and
 * the nonce. MSAL's in-memory cache is emptied of the account after each redemption: the service
 * keeps no user tokens.
 */
import {
  ConfidentialClientApplication,
  CryptoProvider,
  type AuthenticationResult,
  type Configuration,
} from '@azure/msal-node';
import type { GraphCredentials } from '../graph/token-provider.js';
import { connectionFingerprint } from '../graph/token-provider.js';
import { resolveCloud } from '../graph/index.js';
import { FetchNetworkClient } from '../graph/msal-network-client.js';

export const SIGN_IN_SCOPES = ['openid', 'profile'];

const crypto = new CryptoProvider();

/** A PKCE pair (RFC 7636): the verifier kept server-side, its S256 challenge sent to Microsoft. */
export function createPkce(): Promise<{ verifier: string; challenge: string }> {
  return crypto.generatePkceCodes();
}

export interface AuthorizeRequest {
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

export interface RedeemRequest {
  code: string;
  redirectUri: string;
  codeVerifier: string;
  /** The state this sign-in was started with, and the one the redirect brought back. */
  state: string;
  returnedState: string;
  nonce: string;
}

/** A failure reported by Microsoft's token endpoint (or MSAL) while redeeming the code. */
export class CodeRedemptionError extends Error {
  constructor(
    readonly error: string,
    readonly aadsts: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'CodeRedemptionError';
  }
}

interface Entry {
  fingerprint: string;
  app: ConfidentialClientApplication;
}

export class AuthCodeClient {
  private readonly apps = new Map<string, Entry>();

  constructor(private readonly maxEntries = 1000) {}

  async authorizeUrl(conn: GraphCredentials, request: AuthorizeRequest): Promise<string> {
    return await this.appFor(conn).getAuthCodeUrl({
      scopes: SIGN_IN_SCOPES,
      redirectUri: request.redirectUri,
      state: request.state,
      nonce: request.nonce,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: 'S256',
      responseMode: 'query',
    });
  }

  /** The raw ID token of the redeemed code. */
  async redeem(conn: GraphCredentials, request: RedeemRequest): Promise<string> {
    const app = this.appFor(conn);
    let result: AuthenticationResult | null;
    try {
      result = await app.acquireTokenByCode(
        {
          code: request.code,
          scopes: SIGN_IN_SCOPES,
          redirectUri: request.redirectUri,
          codeVerifier: request.codeVerifier,
          state: request.state,
          nonce: request.nonce,
        },
        { code: request.code, state: request.returnedState, nonce: request.nonce },
      );
    } catch (err) {
      throw toRedemptionError(err);
    }
    if (result?.account) await app.getTokenCache().removeAccount(result.account);
    if (!result?.idToken) throw new CodeRedemptionError('no_id_token', null, 'Microsoft returned no ID token');
    return result.idToken;
  }

  private appFor(conn: GraphCredentials): ConfidentialClientApplication {
    const fingerprint = connectionFingerprint(conn);
    const hit = this.apps.get(conn.id);
    if (hit?.fingerprint === fingerprint) return hit.app;
    const resolved = resolveCloud(conn);
    const config: Configuration = {
      auth: {
        clientId: conn.clientId,
        clientSecret: conn.clientSecret,
        authority: resolved.authority,
        knownAuthorities: resolved.knownAuthorities,
      },
      system: {
        networkClient: new FetchNetworkClient((input, init) => fetch(input, init), 6_000),
        disableInternalRetries: true,
      },
    };
    const app = new ConfidentialClientApplication(config);
    this.apps.delete(conn.id);
    this.apps.set(conn.id, { fingerprint, app });
    if (this.apps.size > this.maxEntries) this.apps.delete(this.apps.keys().next().value!);
    return app;
  }
}

function toRedemptionError(err: unknown): CodeRedemptionError {
  const e = err as { errorCode?: unknown; errorNo?: unknown; errorMessage?: unknown; message?: unknown };
  const error = typeof e.errorCode === 'string' && e.errorCode ? e.errorCode : 'token_request_failed';
  const text =
    typeof e.errorMessage === 'string' && e.errorMessage
      ? e.errorMessage
      : String(e.message ?? 'The code could not be redeemed');
  const aadsts =
    e.errorNo !== undefined && e.errorNo !== null && String(e.errorNo) !== ''
      ? String(e.errorNo)
      : (/AADSTS(\d+)/.exec(text)?.[1] ?? null);
  return new CodeRedemptionError(error, aadsts, firstLine(text));
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.slice(0, 300);
}
