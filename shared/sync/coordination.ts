/**
 * Redis coordination of syncs and subscriptions, on a connection of its own (given by the
 * composition root) and under one prefix rule: every key and channel lives under the deployment's
 * queue prefix, next to the queues' own keys, so a prefix isolates a deployment (or a test run)
 * entirely. What it holds:
 * - per stream, a lock with a renewed lease (one run at a time across every worker:
 *   stream-lock.ts) and a
 *   full-request token (a full load asked for while a delta run is queued: request-sync.ts);
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
}

/** The Redis keys of one stream (exported for tests that look at Redis directly). */
export function streamKeys(prefix: string, target: StreamTarget): { fullRequest: string; lock: string } {
  assertKeyPrefix(prefix);
  const base = `${prefix}:${QUEUES.sync}:m365`;
  return {
    fullRequest: `${base}:full:${target.stream}:${target.integrationId}`,
    lock: `${base}:lock:${target.stream}:${target.integrationId}`,
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
  };
}
