/**
 * One BullMQ job scheduler per enabled integration runs its delta on an interval: the poll
 * interval in polling mode (or when subscriptions cannot be made), the slower safety-net interval
 * in webhook mode. Schedulers live in Redis keyed by id, so any number of workers upserting the
 * same one make one schedule.
 */
import { optionsFor, QUEUES, type Producer } from '@ones-m365/shared/queue';
import { pollSchedulerId } from '@ones-m365/shared/subscriptions';

export { pollSchedulerId };

/**
 * Creates or changes the schedule; an unchanged one is left alone (its next run stays put). The
 * first run is one interval away: enabling already ran a full sync and the subscription's own
 * catch-up delta, so a delta at once would only repeat them.
 */
export async function upsertPollSchedule(
  producer: Pick<Producer, 'queue'>,
  integrationId: string,
  everySeconds: number,
): Promise<void> {
  const queue = producer.queue(QUEUES.subscriptions);
  const current = await queue.getJobScheduler(pollSchedulerId(integrationId));
  if (current && Number(current.every) === everySeconds * 1000) return;
  const { attempts, backoff, removeOnComplete, removeOnFail } = optionsFor('subscriptions.poll');
  await queue.upsertJobScheduler(
    pollSchedulerId(integrationId),
    { every: everySeconds * 1000, startDate: Date.now() + everySeconds * 1000 },
    {
      name: 'subscriptions.poll',
      data: { integrationId },
      opts: { attempts, backoff, removeOnComplete, removeOnFail },
    },
  );
}

export async function removePollSchedule(producer: Pick<Producer, 'queue'>, integrationId: string): Promise<void> {
  await producer.queue(QUEUES.subscriptions).removeJobScheduler(pollSchedulerId(integrationId));
}
