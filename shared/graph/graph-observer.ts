/**
 * What the Graph client reports about itself, for the service's operational records (metrics,
 * health): every HTTP answer from Graph, and the outcome of every token request. Observers must
 * be cheap and must never throw: they run on the request path.
 */
export type TokenOutcome =
  | { ok: true }
  /** `code`: the auth failure reason (e.g. `expired_secret`) or the failure kind (`transient`…). */
  | { ok: false; code: string; message: string; retryable: boolean };

export interface GraphObserver {
  /** One HTTP exchange with Graph (retries each count); `status` null when no answer came. */
  response(connectionId: string, status: number | null): void;
  /** A token was asked for (from MSAL's cache or the login host). `fingerprint` names the credentials. */
  token(connectionId: string, fingerprint: string, outcome: TokenOutcome): void;
}
