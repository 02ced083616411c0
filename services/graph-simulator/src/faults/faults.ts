/** Injected failures: error statuses, latency, a hanging login host, expired delta tokens, lossy notifications. */
import { createRng, type Rng } from '../tenant/random.js';

export type FaultTarget = 'graph' | 'login';

export interface ErrorFaultSpec {
  /** HTTP status to answer: 429, 500, 503, 504… */
  status: number;
  /** Seconds for Retry-After; omit or null to send no Retry-After header. */
  retryAfterSeconds?: number | null;
  /** Probability (0..1) that a matching request fails. */
  rate?: number;
  /** Fail the next N matching requests (then the fault is spent). */
  count?: number;
  /** Let the first N matching requests through before the fault applies (e.g. fail a second page). */
  skip?: number;
  /** Only requests whose path or route template contains this string. */
  match?: string;
  target?: FaultTarget;
}

export interface LatencyFaultSpec {
  ms: number;
  match?: string;
  target?: FaultTarget;
}

export interface NotificationFaultSpec {
  /** Probability that a notification is silently dropped. */
  dropRate?: number;
  /** Drop the next N notifications. */
  dropNext?: number;
  /** Probability that a notification is delivered twice (in separate POSTs). */
  duplicateRate?: number;
  /** Duplicate the next N notifications. */
  duplicateNext?: number;
}

/**
 * The authorize endpoint sends the browser back to the redirect URI with this OAuth error
 * (`error`, `error_description: "AADSTS<code>: …"`), as Entra does when it refuses a sign-in.
 */
export interface SignInErrorFaultSpec {
  /** OAuth `error`, e.g. `invalid_request`, `consent_required`, `unauthorized_client`, `access_denied`. */
  error: string;
  /** The AADSTS number, e.g. 65001. */
  code: number;
  description?: string;
  /** How many sign-ins it hits (default 1). */
  count?: number;
}

/** Tampered ID tokens, to prove a client verifies them: other claims, or a key the JWKS does not publish. */
export interface IdTokenFaultSpec {
  /** Claims set over the real ones (`tid`, `nonce`, `aud`, `iss`, `exp`…). */
  claims?: Record<string, unknown>;
  /** Signed by a key of its own, under the published key's `kid`. */
  foreignKey?: boolean;
  /** How many ID tokens it hits (default 1). */
  count?: number;
}

export interface FaultSnapshot {
  errors: ErrorFaultSpec[];
  latency: LatencyFaultSpec[];
  loginHang: boolean;
  deltaTokensExpiredBefore: number;
  notifications: NotificationFaultSpec;
  signInErrors: SignInErrorFaultSpec[];
  idTokens: IdTokenFaultSpec[];
}

export class Faults {
  errors: ErrorFaultSpec[] = [];
  latency: LatencyFaultSpec[] = [];
  loginHang = false;
  /** Delta/skip tokens issued before this instant (ms) count as expired. */
  deltaTokensExpiredBefore = 0;
  notifications: NotificationFaultSpec = {};
  signInErrors: SignInErrorFaultSpec[] = [];
  idTokens: IdTokenFaultSpec[] = [];
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = createRng(seed ^ 0xfa017);
  }

  addError(spec: ErrorFaultSpec): void {
    this.errors.push({ target: 'graph', ...spec });
  }

  addLatency(spec: LatencyFaultSpec): void {
    this.latency.push({ target: 'graph', ...spec });
  }

  /** Every delta token issued until now is expired from now on. */
  expireDeltaTokens(): void {
    this.deltaTokensExpiredBefore = Date.now() + 1;
  }

  /** Per room mailbox: calendar delta tokens issued before this instant (ms) count as expired. */
  private readonly roomTokensExpiredBefore = new Map<string, number>();

  /** The calendar delta tokens of one room issued until now are expired from now on (the other rooms' are not). */
  expireRoomDeltaTokens(roomId: string): void {
    this.roomTokensExpiredBefore.set(roomId, Date.now() + 1);
  }

  roomDeltaTokensExpiredBefore(roomId: string): number {
    return this.roomTokensExpiredBefore.get(roomId) ?? 0;
  }

  clear(): void {
    this.errors = [];
    this.latency = [];
    this.loginHang = false;
    this.deltaTokensExpiredBefore = 0;
    this.roomTokensExpiredBefore.clear();
    this.notifications = {};
    this.signInErrors = [];
    this.idTokens = [];
  }

  /** The sign-in error fault for this authorize request, if any (consumes one). */
  takeSignInError(): SignInErrorFaultSpec | null {
    return takeOne(this.signInErrors);
  }

  /** The tampering for this ID token, if any (consumes one). */
  takeIdTokenFault(): IdTokenFaultSpec | null {
    return takeOne(this.idTokens);
  }

  snapshot(): FaultSnapshot {
    return {
      errors: this.errors.map((e) => ({ ...e })),
      latency: this.latency.map((l) => ({ ...l })),
      loginHang: this.loginHang,
      deltaTokensExpiredBefore: this.deltaTokensExpiredBefore,
      notifications: { ...this.notifications },
      signInErrors: this.signInErrors.map((f) => ({ ...f })),
      idTokens: this.idTokens.map((f) => ({ ...f })),
    };
  }

  /** The error fault that hits this request, if any (consumes one from a counted fault). */
  pickError(target: FaultTarget, path: string, template: string): ErrorFaultSpec | null {
    for (const f of this.errors) {
      if ((f.target ?? 'graph') !== target || !matches(f.match, path, template)) continue;
      if (f.skip !== undefined && f.skip > 0) {
        f.skip--;
        continue;
      }
      if (f.count !== undefined) {
        if (f.count <= 0) continue;
        f.count--;
        return f;
      }
      if (f.rate !== undefined ? this.rng() < f.rate : true) return f;
    }
    this.errors = this.errors.filter((f) => f.count === undefined || f.count > 0);
    return null;
  }

  latencyFor(target: FaultTarget, path: string, template: string): number {
    let ms = 0;
    for (const l of this.latency) if ((l.target ?? 'graph') === target && matches(l.match, path, template)) ms += l.ms;
    return ms;
  }

  /** 'drop', 'duplicate' or 'deliver' for one outgoing notification. */
  notificationFate(): 'drop' | 'duplicate' | 'deliver' {
    const n = this.notifications;
    if ((n.dropNext ?? 0) > 0) {
      n.dropNext = (n.dropNext ?? 0) - 1;
      return 'drop';
    }
    if (n.dropRate && this.rng() < n.dropRate) return 'drop';
    if ((n.duplicateNext ?? 0) > 0) {
      n.duplicateNext = (n.duplicateNext ?? 0) - 1;
      return 'duplicate';
    }
    if (n.duplicateRate && this.rng() < n.duplicateRate) return 'duplicate';
    return 'deliver';
  }
}

function matches(match: string | undefined, path: string, template: string): boolean {
  if (!match) return true;
  const m = match.toLowerCase();
  return path.toLowerCase().includes(m) || template.toLowerCase().includes(m);
}

function takeOne<T extends { count?: number }>(list: T[]): T | null {
  const first = list[0];
  if (!first) return null;
  const left = (first.count ?? 1) - 1;
  if (left <= 0) list.shift();
  else first.count = left;
  return first;
}
