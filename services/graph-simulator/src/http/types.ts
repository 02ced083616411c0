/** The transport-neutral request and response every simulator handler works with ($batch reuses them). */
export interface SimRequest {
  method: string;
  /** Path without query, percent-decoded per segment by the router. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Raw body text ('' when none). */
  rawBody: string;
  /** Route parameters filled by the router. */
  params: Record<string, string>;
  /** Origin the client used to reach us, e.g. https://127.0.0.1:4443 (used to build links). */
  origin: string;
  /** Request id assigned on arrival (Graph's `request-id`). */
  requestId: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as-is (set content-type in headers). */
  body?: unknown;
  /** Never answer (login-host "hang" fault); the socket is released when the simulator closes. */
  hang?: boolean;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;
