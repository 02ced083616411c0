/**
 * The only file that imports @microsoft/microsoft-graph-client. One graph-client `Client` per
 * integration (cached with the same fingerprint as its MSAL app), built with
 * `Client.initWithMiddleware` and an explicit chain:
 *
 *   AuthenticationHandler (token from MsalTokenProvider; bearer only for the cloud's Graph host
 *   and `customHosts`) → RetryHandler (a few SHORT retries of 429/503/504; a Retry-After longer
 *   than `maxRetryAfterMs` is not waited for: it surfaces as GraphThrottledError for the job
 *   queue) → RedirectHandler → TelemetryHandler → FetchHandler (ours: per-request timeout, request
 *   counter, injectable fetch).
 *
 * Responses are read RAW so status, headers (Retry-After, Location, request-id) and the error
 * JSON reach graph-errors.ts intact. TLS trust comes from Node's store (NODE_EXTRA_CA_CERTS for a
 * private CA, e.g. a TLS-inspecting proxy or the simulator): global fetch reads it at start.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AuthenticationHandler,
  Client,
  RedirectHandler,
  RedirectHandlerOptions,
  ResponseType,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { resolveCloud, type ResolvedCloud } from './clouds.js';
import { GraphRequestError } from './graph-error-types.js';
import { parseRetryAfter, toGraphError } from './graph-errors.js';
import {
  GRAPH_VERSION,
  describeOperation,
  isAbsoluteLink,
  rebaseLink,
  withQuery,
  type GraphHttpRequest,
  type GraphHttpResponse,
  type GraphTransport,
} from './graph-transport.js';
import type { GraphConnection, GraphRequestCounter } from './graph-types.js';
import type { GraphObserver } from './graph-observer.js';
import type { FetchLike } from './msal-network-client.js';
import { connectionFingerprint, type TokenSource } from './token-provider.js';

export interface MsGraphTransportOptions {
  tokens: TokenSource;
  /** Transport for Graph requests; global fetch by default. */
  fetch?: FetchLike;
  /** Per-request timeout (default 30 s). */
  requestTimeoutMs?: number;
  /** SDK retries of 429/503/504 (default 2, at most 10). */
  maxRetries?: number;
  /** Base back-off in seconds when no Retry-After is sent (default 1). */
  retryDelaySeconds?: number;
  /** Longest Retry-After the SDK waits for itself (default 5 s); longer ones go to the queue. */
  maxRetryAfterMs?: number;
  maxEntries?: number;
  /** Told every answer from Graph (operational records: requests and throttling per integration). */
  observer?: Pick<GraphObserver, 'response'>;
}

interface RequestScope {
  counter: GraphRequestCounter | undefined;
  connectionId: string;
  failure?: unknown;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Terminal middleware: sends the request with a timeout and counts it. */
class FetchHandler implements Middleware {
  constructor(
    private readonly fetchImpl: FetchLike,
    private readonly timeoutMs: number,
    private readonly onSend: () => void,
    private readonly observer: Pick<GraphObserver, 'response'> | undefined,
  ) {}

  async execute(context: Context): Promise<void> {
    // The SDK types `request` with the DOM's Request, which this project's lib does not include.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access
    const url: string = typeof context.request === 'string' ? context.request : context.request.url;
    const store = scope.getStore();
    this.onSend();
    if (store?.counter) store.counter.count++;
    try {
      context.response = await this.fetchImpl(url, {
        ...(context.options as RequestInit),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (store) this.observer?.response(store.connectionId, context.response.status);
    } catch (err) {
      if (store) {
        store.failure = err;
        this.observer?.response(store.connectionId, null);
      }
      throw err;
    }
  }

  setNext(): void {
    // terminal
  }
}

interface ClientEntry {
  fingerprint: string;
  client: Client;
  resolved: ResolvedCloud;
}

export class MsGraphTransport implements GraphTransport {
  private readonly clients = new Map<string, ClientEntry>();
  private readonly fetchImpl: FetchLike;
  private total = 0;

  constructor(private readonly options: MsGraphTransportOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get requestCount(): number {
    return this.total;
  }

  invalidate(integrationId: string): void {
    this.clients.delete(integrationId);
  }

  async send(conn: GraphConnection, request: GraphHttpRequest): Promise<GraphHttpResponse> {
    const operation = describeOperation(request.method, request.path);
    const store: RequestScope = { counter: conn.counter, connectionId: conn.id };
    let res: Response;
    let text: string;
    try {
      const entry = this.entryFor(conn);
      const url = this.target(entry, request);
      const exchange = async (): Promise<[Response, string]> => {
        const r = await scope.run(store, () => this.dispatch(entry.client, url, request));
        return [r, await r.text()];
      };
      [res, text] = conn.lanes ? await conn.lanes.run(exchange) : await exchange();
    } catch (err) {
      throw toGraphError(store.failure ?? err, { operation });
    }
    const body = parseBody(text);
    if (res.status < 200 || res.status >= 300) {
      throw toGraphError({ status: res.status, headers: res.headers, body }, { operation });
    }
    return { status: res.status, headers: res.headers, body };
  }

  private target(entry: ClientEntry, request: GraphHttpRequest): string {
    if (isAbsoluteLink(request.path)) return withQuery(rebaseLink(request.path, entry.resolved), request.query);
    if (!request.path.startsWith('/')) throw new GraphRequestError('Not a Graph path or link');
    return withQuery(request.path, request.query);
  }

  private dispatch(client: Client, url: string, request: GraphHttpRequest): Promise<Response> {
    let r = client.api(url).responseType(ResponseType.RAW);
    if (request.headers) r = r.headers(request.headers);
    switch (request.method) {
      case 'GET':
        return r.get() as Promise<Response>;
      case 'POST':
        return r.post(request.body === undefined ? '' : request.body) as Promise<Response>;
      case 'PATCH':
        return r.patch(request.body ?? {}) as Promise<Response>;
      case 'DELETE':
        return r.delete() as Promise<Response>;
    }
  }

  private entryFor(conn: GraphConnection): ClientEntry {
    const fingerprint = connectionFingerprint(conn);
    const existing = this.clients.get(conn.id);
    if (existing && existing.fingerprint === fingerprint) {
      this.clients.delete(conn.id);
      this.clients.set(conn.id, existing); // most recently used last
      return existing;
    }
    const resolved = resolveCloud(conn);
    const entry: ClientEntry = { fingerprint, resolved, client: this.buildClient(conn, resolved) };
    this.clients.delete(conn.id);
    this.clients.set(conn.id, entry);
    const max = this.options.maxEntries ?? 1000;
    while (this.clients.size > max) {
      const oldest = this.clients.keys().next();
      if (oldest.done) break;
      this.clients.delete(oldest.value);
    }
    return entry;
  }

  private buildClient(conn: GraphConnection, resolved: ResolvedCloud): Client {
    const tokens = this.options.tokens;
    const credentials = { ...conn, counter: undefined, lanes: undefined };
    const auth = new AuthenticationHandler({
      getAccessToken: async () => {
        try {
          return (await tokens.getToken(credentials)).accessToken;
        } catch (err) {
          const store = scope.getStore();
          if (store) store.failure = err;
          throw err;
        }
      },
    });
    const chain: Middleware[] = [
      auth,
      new RetryHandler(this.retryOptions()),
      new RedirectHandler(new RedirectHandlerOptions(3)),
      new TelemetryHandler(),
      new FetchHandler(
        this.fetchImpl,
        this.options.requestTimeoutMs ?? 30_000,
        () => this.total++,
        this.options.observer,
      ),
    ];
    for (let i = 0; i < chain.length - 1; i++) chain[i]!.setNext?.(chain[i + 1]!);
    return Client.initWithMiddleware({
      baseUrl: resolved.graphBaseUrl,
      defaultVersion: GRAPH_VERSION,
      customHosts: new Set(resolved.customHosts),
      middleware: chain[0]!,
    });
  }

  private retryOptions(): RetryHandlerOptions {
    const maxRetryAfterMs = this.options.maxRetryAfterMs ?? 5_000;
    return new RetryHandlerOptions(
      this.options.retryDelaySeconds ?? 1,
      Math.min(this.options.maxRetries ?? 2, 10),
      (_delay, _attempt, _request, _options, response) => {
        const waitMs = parseRetryAfter(response.headers ? response.headers.get('retry-after') : null);
        return waitMs === null || waitMs <= maxRetryAfterMs;
      },
    );
  }
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { code: 'nonJsonResponse', message: text.slice(0, 200) } };
  }
}
