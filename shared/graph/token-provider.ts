/**
 * App-only tokens (client credentials) with one MSAL ConfidentialClientApplication, and so one
 * in-memory token cache, per integration. MSAL reuses a cached token until its refresh time, so
 * asking for a token per Graph request costs a cache lookup, not a login-host round trip.
 *
 * The cache entry is keyed by integration id and checked against a fingerprint (hash) of cloud,
 * tenant, client, secret and endpoints: any change drops the old app and its tokens. Concurrent
 * requests for the same integration share one acquisition, and a token MSAL gave is reused for
 * REUSE_MS before MSAL is asked again (never within its last five minutes, when MSAL itself
 * would renew it): MSAL's cache lookup costs about half a millisecond of CPU, and a calendar
 * load asks for a token per request, thousands a minute.
 */
import { createHash } from 'node:crypto';
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { resolveCloud, type ResolvedCloud } from './clouds.js';
import { toGraphError } from './graph-errors.js';
import { GraphAuthError, GraphFailure } from './graph-error-types.js';
import type { GraphObserver, TokenOutcome } from './graph-observer.js';
import type { GraphConnection } from './graph-types.js';
import { readAccessTokenClaims } from './jwt-claims.js';
import { FetchNetworkClient, type FetchLike } from './msal-network-client.js';

export type GraphCredentials = Pick<
  GraphConnection,
  'id' | 'cloud' | 'tenantId' | 'clientId' | 'clientSecret' | 'endpoints'
>;

export interface AppToken {
  accessToken: string;
  expiresOn: Date;
  roles: string[];
  tenantId: string | null;
  appId: string | null;
  claimsDecoded: boolean;
}

/** The MSAL configuration we build (our own type, so no MSAL type leaves shared/graph). */
export interface ClientCredentialAppConfig {
  auth: { clientId: string; clientSecret: string; authority: string; knownAuthorities: string[] };
  system: { networkClient: object; disableInternalRetries: boolean };
}

/** What we use of an MSAL confidential client (a seam for tests). */
export interface ClientCredentialApp {
  acquireTokenByClientCredential(request: {
    scopes: string[];
  }): Promise<{ accessToken: string; expiresOn: Date | null } | null>;
}

export type CreateClientCredentialApp = (config: ClientCredentialAppConfig) => ClientCredentialApp;

export interface TokenProviderOptions {
  /** Transport for the login host; global fetch by default. */
  fetch?: FetchLike;
  /** Per-request timeout towards the login host (default 6 s). A first token may take two requests. */
  loginTimeoutMs?: number;
  /** Most integrations kept in memory (least recently used dropped first; default 1000). */
  maxEntries?: number;
  /** Test seam: build the MSAL app (defaults to `new ConfidentialClientApplication(config)`). */
  createApp?: CreateClientCredentialApp;
  /** Told the outcome of every token request (operational records). */
  observer?: Pick<GraphObserver, 'token'>;
}

export interface TokenSource {
  getToken(conn: GraphCredentials): Promise<AppToken>;
}

interface Entry {
  fingerprint: string;
  app: ClientCredentialApp;
  network: FetchNetworkClient;
  resolved: ResolvedCloud;
  inflight: Promise<AppToken> | null;
  /** The last token MSAL gave, and until when it is handed out without asking MSAL. */
  token: AppToken | null;
  reuseUntil: number;
}

export const DEFAULT_LOGIN_TIMEOUT_MS = 6_000;
/** How long a token MSAL gave is handed out again before MSAL is asked (its cache renews near expiry). */
const REUSE_MS = 30_000;
/** MSAL renews a cached token in its last five minutes: no reuse then. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;

export class MsalTokenProvider implements TokenSource {
  private readonly entries = new Map<string, Entry>();
  private readonly fetchImpl: FetchLike;
  private readonly loginTimeoutMs: number;
  private readonly maxEntries: number;
  private readonly createApp: CreateClientCredentialApp;
  private readonly observer: Pick<GraphObserver, 'token'> | undefined;

  constructor(options: TokenProviderOptions = {}) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.loginTimeoutMs = options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    this.maxEntries = options.maxEntries ?? 1000;
    this.createApp = options.createApp ?? ((config) => new ConfidentialClientApplication(config as Configuration));
    this.observer = options.observer;
  }

  /** A valid app-only token for the connection (from MSAL's cache when it still has one). */
  async getToken(conn: GraphCredentials): Promise<AppToken> {
    const entry = this.entryFor(conn);
    if (entry.token && Date.now() < entry.reuseUntil) return entry.token;
    if (!entry.inflight) {
      entry.inflight = this.acquire(entry)
        .then(
          (token) => {
            const now = Date.now();
            entry.token = token;
            entry.reuseUntil = Math.min(now + REUSE_MS, token.expiresOn.getTime() - RENEW_BEFORE_EXPIRY_MS);
            this.observe(conn.id, entry, { ok: true });
            return token;
          },
          (err: unknown) => {
            entry.token = null;
            this.observe(conn.id, entry, outcomeOf(err));
            throw err;
          },
        )
        .finally(() => {
          entry.inflight = null;
        });
    }
    return entry.inflight;
  }

  /** Forget an integration's MSAL app and tokens (e.g. when it is deleted). */
  invalidate(integrationId: string): void {
    this.entries.delete(integrationId);
  }

  get size(): number {
    return this.entries.size;
  }

  private entryFor(conn: GraphCredentials): Entry {
    const fingerprint = connectionFingerprint(conn);
    const existing = this.entries.get(conn.id);
    if (existing && existing.fingerprint === fingerprint) {
      this.entries.delete(conn.id);
      this.entries.set(conn.id, existing); // most recently used last
      return existing;
    }
    const resolved = resolveCloud(conn);
    const network = new FetchNetworkClient(this.fetchImpl, this.loginTimeoutMs);
    const app = this.createApp(msalConfiguration(conn, resolved, network));
    const entry: Entry = { fingerprint, app, network, resolved, inflight: null, token: null, reuseUntil: 0 };
    this.entries.delete(conn.id);
    this.entries.set(conn.id, entry);
    this.evict();
    return entry;
  }

  private observe(connectionId: string, entry: Entry, outcome: TokenOutcome): void {
    this.observer?.token(connectionId, entry.fingerprint, outcome);
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.entries.delete(oldest.value);
    }
  }

  private async acquire(entry: Entry): Promise<AppToken> {
    entry.network.lastFailure = null;
    let result: { accessToken: string; expiresOn: Date | null } | null;
    try {
      result = await entry.app.acquireTokenByClientCredential({ scopes: [entry.resolved.scope] });
    } catch (err) {
      throw toGraphError(err, {
        target: 'login',
        loginFailure: entry.network.lastFailure,
        loginHost: new URL(entry.resolved.authority).host,
      });
    }
    if (!result?.accessToken) {
      throw new GraphAuthError(
        'The login host returned no access token',
        'token_request_failed',
        {},
        { target: 'login' },
      );
    }
    const claims = readAccessTokenClaims(result.accessToken);
    return {
      accessToken: result.accessToken,
      expiresOn: result.expiresOn ?? new Date(Date.now() + 5 * 60_000),
      roles: claims.roles,
      tenantId: claims.tenantId,
      appId: claims.appId,
      claimsDecoded: claims.decoded,
    };
  }
}

function outcomeOf(err: unknown): TokenOutcome {
  if (err instanceof GraphAuthError) return { ok: false, code: err.reason, message: err.message, retryable: false };
  if (err instanceof GraphFailure) return { ok: false, code: err.kind, message: err.message, retryable: err.retryable };
  return { ok: false, code: 'unknown', message: err instanceof Error ? err.message : String(err), retryable: true };
}

/** Hash of everything that makes a token valid; the secret only ever enters a hash. */
export function connectionFingerprint(conn: GraphCredentials): string {
  const parts = [
    conn.cloud,
    conn.tenantId,
    conn.clientId,
    conn.clientSecret,
    conn.endpoints?.login ?? '',
    conn.endpoints?.graph ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function msalConfiguration(
  conn: GraphCredentials,
  resolved: ResolvedCloud,
  network: FetchNetworkClient,
): ClientCredentialAppConfig {
  return {
    auth: {
      clientId: conn.clientId,
      clientSecret: conn.clientSecret,
      authority: resolved.authority,
      knownAuthorities: resolved.knownAuthorities,
    },
    system: {
      networkClient: network,
      // One retry owner: a failed token request fails the job attempt; BullMQ retries it.
      disableInternalRetries: true,
    },
  };
}
