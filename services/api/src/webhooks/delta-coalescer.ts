/**
 * The in-process "delta already requested for this stream" memo, so a burst of notifications for
 * one stream costs one Redis round trip, not one each.
 *
 * Per stream key:
 * - no recent request → send one (`requestSync`, coalesced in Redis across processes); callers
 *   arriving while it is in flight share its answer (202 after Redis acknowledged, or 503);
 *   while a trailing request is in flight, they are answered at once and owed the next one
 *   (unless the previous request failed: then nothing is known to be queued, and they wait);
 * - a request acknowledged less than `windowMs` ago → answer at once, and remember that the stream
 *   saw more notifications (`dirty`);
 * - when the window closes and the stream is dirty, one trailing request is sent, so a change
 *   that arrived after the last request had already been picked up by a running delta is still
 *   read. A failed trailing request is retried every window until it goes through.
 * A burst on one stream therefore costs about one request per window, and BullMQ's deduplication
 * folds those into at most one waiting + one running job. The window (default 1 s) bounds the extra
 * latency of a change that arrives mid-window, and makes a burst of up to about a second one
 * leading and one trailing request (so at most 2 delta runs). Notifications answered from the
 * memo rely on the trailing request: a graceful stop sends it before exiting (`flush`); were the
 * process killed within that window, the scheduled safety-net delta catches the change
 * (design.md flow 7).
 */
export interface DeltaCoalescerOptions {
  send(key: string): Promise<void>;
  onTrailingError?(key: string, err: unknown): void;
  windowMs?: number;
  now?: () => number;
}

interface StreamState {
  inFlight: Promise<void> | null;
  /** Whether the request in flight is a trailing one (its callers were answered already). */
  trailing: boolean;
  /** The last request failed: until one goes through, callers wait for Redis (202 or 503). */
  failed: boolean;
  windowUntil: number;
  dirty: boolean;
  timer: NodeJS.Timeout | null;
}

export class DeltaCoalescer {
  private readonly states = new Map<string, StreamState>();
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Requests actually sent to Redis (leading and trailing). */
  sent = 0;

  constructor(private readonly opts: DeltaCoalescerOptions) {
    this.windowMs = opts.windowMs ?? 1_000;
    this.now = opts.now ?? Date.now;
  }

  /** Resolves once a delta run of `key` that starts after this call is certain to be requested. */
  request(key: string): Promise<void> {
    const s = this.states.get(key);
    if (s?.inFlight && (!s.trailing || s.failed)) {
      s.dirty = true;
      return s.inFlight;
    }
    if (s?.inFlight) {
      // A trailing request is under way: like a memo hit, this one is owed the next trailing
      // request, and a steady stream never waits for Redis on the request path.
      s.dirty = true;
      return Promise.resolve();
    }
    if (s && this.now() < s.windowUntil) {
      s.dirty = true;
      return Promise.resolve();
    }
    // A state past its window may still be dirty (its timer not run yet): then this request also
    // covers notifications already answered, and must not be dropped on failure.
    return this.fire(
      key,
      s ?? { inFlight: null, trailing: false, failed: false, windowUntil: 0, dirty: false, timer: null },
      s?.dirty ?? false,
    );
  }

  /**
   * Sends at once every trailing request still owed and waits for those in flight (graceful stop:
   * the server no longer takes requests). Failures are reported, not thrown; what still fails is
   * left to the safety-net delta.
   */
  async flush(): Promise<void> {
    for (let pass = 0; pass < 2; pass++) {
      const pending: Promise<unknown>[] = [];
      for (const [key, s] of this.states) {
        if (s.inFlight) pending.push(s.inFlight.catch(() => undefined));
        else if (s.dirty)
          pending.push(this.fire(key, s, true).catch((err: unknown) => this.opts.onTrailingError?.(key, err)));
      }
      if (!pending.length) return;
      await Promise.all(pending);
    }
  }

  /**
   * `trailing`: the request covers notifications already answered 202, so a failure must not drop
   * it (it is retried every window); a leading request's failure reaches its callers as a 503.
   */
  private fire(key: string, s: StreamState, trailing: boolean): Promise<void> {
    this.states.set(key, s);
    s.dirty = false;
    s.trailing = trailing;
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    this.sent++;
    const sent = this.opts.send(key).then(
      () => {
        s.inFlight = null;
        s.failed = false;
        s.windowUntil = this.now() + this.windowMs;
        this.arm(key, s);
      },
      (err: unknown) => {
        s.inFlight = null;
        s.failed = true;
        s.windowUntil = 0;
        // Callers sharing this request get the error (503) and Graph redelivers theirs.
        if (trailing) {
          s.dirty = true;
          this.arm(key, s);
        } else this.states.delete(key);
        throw err;
      },
    );
    s.inFlight = sent;
    return sent;
  }

  private arm(key: string, s: StreamState): void {
    s.timer = setTimeout(
      () => {
        s.timer = null;
        if (s.inFlight) return;
        if (!s.dirty) {
          this.states.delete(key);
          return;
        }
        this.fire(key, s, true).catch((err: unknown) => this.opts.onTrailingError?.(key, err));
        // Up to a fifth later, at random: streams opened by one POST do not all send at the same
        // instant (each add costs the event loop a little; spread, no request waits for all of them).
      },
      this.windowMs * (1 + Math.random() / 5),
    );
    s.timer.unref();
  }
}
