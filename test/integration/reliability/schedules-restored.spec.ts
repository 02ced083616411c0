import { once } from 'node:events';
import { expect } from 'chai';
import { createRedisConnection, QUEUES } from '@ones-m365/shared/queue';
import { FIXED_SCHEDULES } from '../../../services/worker/src/schedules.js';
import { pollSchedulerId } from '../../../services/worker/src/subscriptions/poll-schedule.js';
import { removeQueueData } from '../../support/env.js';
import { TEST_REDIS } from '../../support/services.js';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/** Redis lost its data (here: every key of the queue prefix deleted): the running worker re-creates its schedules. */
describe('worker schedules after Redis lost its data', () => {
  let w: WebhookHarness;

  before(async () => {
    w = await startWebhookHarness({ scheduleCheckMs: 200 });
  });
  after(async () => w?.close());

  const schedulers = async (integrationId: string) => {
    const ids: string[] = [];
    for (const { queue, id } of FIXED_SCHEDULES) if (await w.producer.queue(queue).getJobScheduler(id)) ids.push(id);
    if (await w.producer.queue(QUEUES.subscriptions).getJobScheduler(pollSchedulerId(integrationId)))
      ids.push(pollSchedulerId(integrationId));
    return ids.sort();
  };

  it("come back without a restart: prune, renew-due and each enabled integration's poll schedule", async () => {
    const { id } = await w.createWithOwnApp();
    await w.enable(id);
    const all = [...FIXED_SCHEDULES.map((s) => s.id), pollSchedulerId(id)].sort();
    await w.until(
      'every schedule',
      () => schedulers(id),
      (s) => s.length === all.length,
    );
    await w.syncIdle();

    // A key of our own beside the queue's shows the data went (the schedules themselves may be
    // back before they are read: the watchdog looks every 200 ms).
    const redis = createRedisConnection(TEST_REDIS, 'producer');
    const marker = `${w.h.config.keyPrefix}:lost-data-marker`;
    try {
      if (redis.status !== 'ready') await once(redis, 'ready');
      await redis.set(marker, '1');
      await removeQueueData(w.h.config.keyPrefix);
      expect(await redis.exists(marker)).to.equal(0);
    } finally {
      redis.disconnect();
    }

    expect(
      await w.until(
        'every schedule back',
        () => schedulers(id),
        (s) => s.length === all.length,
      ),
    ).to.deep.equal(all);
  });
});
