/**
 * Delivery requests: at most one waiting (or delayed, backing off) `events.deliver` job per
 * integration, and a request during a run queues exactly one more (BullMQ deduplication with
 * `keepLastIfActive`), so a burst of pages is one or two deliveries, and a job backing off after
 * a failure is not hurried by new events.
 */
import type { Producer } from '@ones-m365/shared/queue';

export const deliveryDedupId = (integrationId: string) => `events:${integrationId}`;

export async function requestDelivery(producer: Pick<Producer, 'enqueue'>, integrationId: string): Promise<void> {
  await producer.enqueue(
    'events.deliver',
    { integrationId },
    { deduplication: { id: deliveryDedupId(integrationId), keepLastIfActive: true } },
  );
}
