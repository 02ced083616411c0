/**
 * When a failed delivery is tried again: exponential backoff (1 s, 2 s, 4 s, … up to 15 min)
 * with "equal jitter" (half the step fixed, half random), so integrations that failed together
 * do not retry in lockstep, and a receiver that recovers is tried again within 15 minutes.
 * Attempts go on for 24 hours; then the events that waited that long are given up on.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** How long an event is retried before it is given up on. */
  giveUpAfterMs: number;
}

export const DELIVERY_BACKOFF: BackoffPolicy = {
  baseMs: 1_000,
  maxMs: 15 * 60_000,
  giveUpAfterMs: 24 * 3600_000,
};

/** The wait after the `attempt`-th failure in a row (1-based); `random` in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DELIVERY_BACKOFF, random = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 40));
  return Math.round(step / 2 + random() * (step / 2));
}

/** The replay window: `GET /events` answers this many days back, and older events are pruned. */
export const EVENT_RETENTION_DAYS = 7;
