/**
 * Redis coordination of syncs and subscriptions, on a connection of its own (given by the
 * composition root) and under one prefix rule: every key and channel lives under the deployment's
 * queue prefix, next to the queues' own keys, so a prefix isolates a deployment (or a test run)
 * entirely. What it holds:
 * - per stream, a lock with a renewed lease (one run at a time across every worker:
 *   stream-lock.ts), a
 *   full-request token (a full load asked for while a delta run is queued: request-sync.ts), and
 *   when its last delta run started (delta runs of one stream start at least MIN_DELTA_GAP_MS
 *   apart, whichever api process asked and however many workers there are);
 * - the channel announcing that an integration's Graph subscriptions changed (the api processes
 *   reload their table when they hear it).
 */
import type { RedisClient } from '../queue/index.js';
import { assertKeyPrefix } from '../config/index.js';
import { QUEUES } from '../queue/index.js';
import { acquireStreamLock, deleteIfEquals, type HeldLock } from './stream-lock.js';
import type { StreamTarget } from './stream-kinds.js';

export interface Coordination {
  /** `<prefix>:graph-subscriptions:changed`: where subscription changes are announced. */
  readonly subscriptionsChannel: string;
  /** Takes the stream's lock (a renewed lease), or null when another run holds it. */
  acquireLock(target: StreamTarget, leaseMs: number): Promise<HeldLock | null>;
  /** Records that a full load of the stream was asked for (`token` names the request). */
  requestFull(target: StreamTarget, token: string): Promise<void>;
  /** The pending full request's token, or null. */
  pendingFull(target: StreamTarget): Promise<string | null>;
  /** Clears the full request `token`; one made since (another token) is kept. */
  clearFull(target: StreamTarget, token: string): Promise<void>;
  /** Tells every api process that the subscriptions of `integrationId` changed. */
  announceSubscriptionsChanged(integrationId: string): Promise<void>;
  /**
   * Claims the start of a delta run of the stream: 0 when it may start now (recorded, by Redis's
   * clock), else how many ms to wait until `minGapMs` after the previous one started.
   */
  claimDeltaStart(target: StreamTarget, minGapMs: number): Promise<number>;
}

/** Delta runs of one stream start at least this far apart: at most two a second. */
export const MIN_DELTA_GAP_MS = 500;

const CLAIM_START = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local gap = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '')
if last and now - last < gap and now >= last then return gap - (now - last) end
redis.call('SET', KEYS[1], now, 'PX', gap * 4)
return 0`;

/** The Redis keys of one stream (exported for tests that look at Redis directly). */
export function streamKeys(
  prefix: string,
  target: StreamTarget,
): { fullRequest: string; lock: string; deltaStart: string } {
  assertKeyPrefix(prefix);
  const base = `${prefix}:${QUEUES.sync}:m365`;
  return {
    fullRequest: `${base}:full:${target.stream}:${target.integrationId}`,
    lock: `${base}:lock:${target.stream}:${target.integrationId}`,
    deltaStart: `${base}:delta-start:${target.stream}:${target.integrationId}`,
  };
}

export function createCoordination(redis: RedisClient, prefix: string): Coordination {
  assertKeyPrefix(prefix);
  const subscriptionsChannel = `${prefix}:graph-subscriptions:changed`;
  return {
    subscriptionsChannel,
    acquireLock: (target, leaseMs) => acquireStreamLock(redis, streamKeys(prefix, target).lock, leaseMs),
    async requestFull(target, token) {
      await redis.set(streamKeys(prefix, target).fullRequest, token);
    },
    pendingFull: (target) => redis.get(streamKeys(prefix, target).fullRequest),
    clearFull: (target, token) => deleteIfEquals(redis, streamKeys(prefix, target).fullRequest, token),
    async announceSubscriptionsChanged(integrationId) {
      await redis.publish(subscriptionsChannel, integrationId);
    },
    async claimDeltaStart(target, minGapMs) {
      return Number(await redis.eval(CLAIM_START, 1, streamKeys(prefix, target).deltaStart, minGapMs));
    },
  };
}
