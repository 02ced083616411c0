/**
 * Cache invalidation of the api's in-memory subscription table: the worker publishes on one Redis
 * channel after every change to `graph_subscriptions`; every api process listens (pub/sub reaches
 * all of them) and reloads. The channel is under the queue prefix, so deployments sharing a Redis
 * do not hear each other.
 */
import type { Redis } from 'ioredis';
import { QUEUES, type Producer } from '../queue/index.js';

export function subscriptionsChannel(prefix: string): string {
  return `${prefix}:graph-subscriptions:changed`;
}

/** Tells every api process that the subscriptions of `integrationId` changed. */
export async function publishSubscriptionsChanged(producer: Producer, integrationId: string): Promise<void> {
  const queue = producer.queue(QUEUES.subscriptions);
  // The producer's queues run on the ioredis connection they were given.
  const redis = (await queue.getBackend().client) as unknown as Redis;
  await redis.publish(subscriptionsChannel(queue.opts.prefix ?? 'bull'), integrationId);
}

/**
 * Asks for a reconcile of an integration's subscriptions. One waiting per integration (BullMQ
 * deduplication); a request while one runs queues exactly one more, so the latest state (e.g. a
 * disable that arrived mid-run) is always acted on.
 */
export async function requestReconcile(producer: Producer, integrationId: string, opts: { verify?: boolean } = {}): Promise<{ id: string }> {
  const payload = opts.verify ? { integrationId, verify: true } : { integrationId };
  return await producer.enqueue('subscriptions.reconcile', payload, { deduplication: { id: `reconcile:${integrationId}`, keepLastIfActive: true } });
}
