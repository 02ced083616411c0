/**
 * One run per stream across every worker process: a Redis key `SET NX PX lease` holding a random
 * token, renewed while the run lives (every lease/3) and released only by its holder. A holder
 * that could not renew in time has `lost` set and must stop before writing more. The key is one
 * key (under the hash-tagged prefix), so each script runs on the node of its slot.
 */
import { randomUUID } from 'node:crypto';
import { withinDeadline } from '../errors/index.js';
import type { RedisClient } from '../queue/index.js';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface HeldLock {
  /** True once the lease could not be renewed (another process may hold it now). */
  readonly lost: boolean;
  release(): Promise<void>;
}

export async function acquireStreamLock(redis: RedisClient, key: string, leaseMs: number): Promise<HeldLock | null> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', leaseMs, 'NX')) !== 'OK') return null;
  let lost = false;
  // The lease runs from when the SET was sent; a renewal extends it from when it was sent.
  let leaseEndsAt = Date.now() + leaseMs;
  const timer = setInterval(
    () => {
      const sentAt = Date.now();
      redis.eval(RENEW, 1, key, token, String(leaseMs)).then(
        (ok) => {
          if (Number(ok) !== 1) lost = true;
          else leaseEndsAt = sentAt + leaseMs;
        },
        // A failed renewal is retried at the next tick (the lease is 3 ticks long); once the lease
        // has run out without one, another process may hold the stream: stop writing.
        () => {
          if (Date.now() >= leaseEndsAt) lost = true;
        },
      );
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return {
    get lost() {
      return lost || Date.now() >= leaseEndsAt;
    },
    async release() {
      clearInterval(timer);
      // Waits for Redis at most the lease: past it the lease has run out by itself (and a
      // release that arrives later deletes nothing another holder took).
      await withinDeadline(redis.eval(RELEASE, 1, key, token), leaseMs, 'stream lock release').catch(() => undefined);
    },
  };
}

/** Deletes `key` only while it still holds `value` (a full request made since is kept). */
export async function deleteIfEquals(redis: RedisClient, key: string, value: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, value);
}
