/**
 * MSAL's HTTP seam (`system.networkClient`). msal-node 7 has no proxy/agent options and its
 * default client has no timeout on POST, so a hanging login host would hang the token request.
 * This one puts an AbortSignal.timeout on every call (covering the body too) and remembers the
 * last failure, because MSAL drops the login host's error body when discovery fails (so the
 * AADSTS code of "tenant not found" would otherwise be lost).
 *
 * It uses global fetch by default: TLS trust (e.g. a private CA of a TLS-inspecting proxy or of
 * the simulator) comes from NODE_EXTRA_CA_CERTS, read by Node at process start.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { LoginFailure } from './auth-errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export class FetchNetworkClient implements INetworkModule {
  lastFailure: LoginFailure | null = null;

  constructor(
    private readonly fetchImpl: FetchLike,
    private readonly timeoutMs: number,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: options?.headers ?? {},
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      this.lastFailure = { kind: timedOut ? 'timeout' : 'network', cause: err };
      const wrapped = new Error(timedOut ? 'Login host request timed out' : 'Login host request failed', {
        cause: err,
      });
      wrapped.name = timedOut ? 'LoginTimeoutError' : 'LoginNetworkError';
      throw wrapped;
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const body = parseJson(text);
    if (res.status >= 400) this.lastFailure = { kind: 'http', status: res.status, body, headers };
    return { headers, body: body as T, status: res.status };
  }
}

function parseJson(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}
