/**
 * Reconcile requests. (Subscription changes are announced to the api processes through the
 * coordination channel: shared/sync/coordination.ts.)
 */
import type { Producer } from '../queue/index.js';

/**
 * Asks for a reconcile of an integration's subscriptions. One waiting per integration (BullMQ
 * deduplication); a request while one runs queues exactly one more, so the latest state (e.g. a
 * disable that arrived mid-run) is always acted on.
 */
export async function requestReconcile(
  producer: Pick<Producer, 'enqueue'>,
  integrationId: string,
  opts: { verify?: boolean } = {},
): Promise<{ id: string }> {
  const payload = opts.verify ? { integrationId, verify: true } : { integrationId };
  return await producer.enqueue('subscriptions.reconcile', payload, {
    deduplication: { id: `reconcile:${integrationId}`, keepLastIfActive: true },
  });
}
