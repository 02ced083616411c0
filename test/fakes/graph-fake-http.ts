/**
 * An in-memory login host + Graph for unit tests of shared/graph: a `fetch` that routes by method
 * and URL, records every request and answers from handlers. No network.
 */
import type { FetchLike } from '../../shared/graph/msal-network-client.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  /** Never answer (until the request's signal aborts). */
  hang?: boolean;
  /** Fail like a refused connection. */
  networkError?: boolean;
}

type Handler = (req: RecordedRequest) => FakeReply | Promise<FakeReply>;

interface Route {
  method: string;
  match: (url: URL) => boolean;
  handler: Handler;
}

export class FakeHttp {
  readonly requests: RecordedRequest[] = [];
  private routes: Route[] = [];

  /** Later routes win, so a test can override a default. */
  on(method: string, match: RegExp | ((url: URL) => boolean), handler: Handler | FakeReply): this {
    const m = match instanceof RegExp ? (u: URL) => match.test(u.pathname + u.search) : match;
    const h: Handler = typeof handler === 'function' ? handler : () => handler;
    this.routes.unshift({ method, match: m, handler: h });
    return this;
  }

  /** Answers the queued replies in order for matching requests, then the last one forever. */
  sequence(method: string, match: RegExp | ((url: URL) => boolean), replies: FakeReply[]): this {
    let i = 0;
    return this.on(method, match, () => replies[Math.min(i++, replies.length - 1)]!);
  }

  requestsTo(pathPart: string): RecordedRequest[] {
    return this.requests.filter((r) => new URL(r.url).pathname.includes(pathPart));
  }

  readonly fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const body = typeof init.body === 'string' ? init.body : null;
    const method = (init.method ?? 'GET').toUpperCase();
    const req: RecordedRequest = { method, url: url.toString(), headers, body };
    this.requests.push(req);
    const route = this.routes.find((r) => r.method === method && r.match(url));
    const reply: FakeReply = route
      ? await route.handler(req)
      : { status: 404, json: { error: { code: 'NoRoute', message: `${method} ${url.pathname}` } } };
    if (reply.networkError) {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    }
    if (reply.hang) return hang(init.signal);
    const text = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
    return new Response(reply.status === 204 || reply.status === 202 ? text || null : text, {
      status: reply.status ?? 200,
      headers: { ...(reply.json !== undefined ? { 'content-type': 'application/json' } : {}), ...reply.headers },
    });
  };
}

function hang(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/** An unsigned JWT-shaped token carrying the given claims. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

export interface FakeLoginOptions {
  roles?: string[];
  expiresIn?: number;
  /** Reply for the token endpoint instead of a token. */
  tokenReply?: FakeReply;
}

/**
 * Adds openid-configuration and token routes for `<loginBase>/<tenant>`. Returns a getter for
 * the number of token requests seen.
 */
export function addFakeLogin(
  http: FakeHttp,
  loginBase: string,
  tenant: string,
  opts: FakeLoginOptions = {},
): () => number {
  const authority = `${loginBase}/${tenant}`;
  const path = new URL(authority).pathname;
  http.on('GET', (u) => u.pathname === `${path}/v2.0/.well-known/openid-configuration`, {
    json: {
      issuer: `${authority}/v2.0`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      jwks_uri: `${loginBase}/${tenant}/discovery/v2.0/keys`,
    },
  });
  let tokens = 0;
  http.on(
    'POST',
    (u) => u.pathname === `${path}/oauth2/v2.0/token`,
    () => {
      tokens++;
      if (opts.tokenReply) return opts.tokenReply;
      const token = fakeJwt({
        aud: 'https://graph',
        tid: tenant,
        appid: 'app-1',
        roles: opts.roles ?? ['User.Read.All'],
        n: tokens,
      });
      return {
        json: { token_type: 'Bearer', expires_in: opts.expiresIn ?? 3599, ext_expires_in: 3599, access_token: token },
      };
    },
  );
  return () => tokens;
}
