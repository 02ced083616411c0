import { expect } from 'chai';
import { sha256Hex } from '@ones-m365/shared/crypto';
import { createRedisConnection, QUEUES } from '@ones-m365/shared/queue';
import { TEST_REDIS } from '../../support/services.js';
import type { RunningApi } from '@ones-m365/api';
import { startAnotherApi, startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/**
 * A notification answered 202 from the coalescing memo is owed a trailing delta request. An api
 * stopped gracefully (SIGTERM: a deploy) sends what it owes before it exits, rather than leaving
 * the change to the hourly safety net.
 */
describe('webhooks: an api stopped gracefully sends the delta requests it owes', () => {
  let w: WebhookHarness;
  let api2: RunningApi | null = null;
  const conns = [createRedisConnection(TEST_REDIS, 'producer'), createRedisConnection(TEST_REDIS, 'worker')];

  before(async () => {
    w = await startWebhookHarness({ worker: false });
  });
  after(async () => {
    await api2?.close();
    for (const c of conns) c.disconnect();
    await w?.close();
  });

  it('close() returns only after the trailing request of a memo-answered notification reached Redis', async () => {
    const id = await w.create();
    await w.integrations.update(id, { status: 'enabled' });
    const clientState = 'graceful-stop-client-state';
    await w.subscriptions.add({
      integrationId: id,
      graphSubscriptionId: 'graceful-stop-sub',
      resource: '/users',
      changeType: 'updated,deleted',
      stream: 'users',
      clientStateHash: sha256Hex(clientState),
      expiresAt: new Date(Date.now() + 24 * 3600_000),
    });
    const api = await startAnotherApi(w, conns[0]!, conns[1]!);
    api2 = api;
    const post = () =>
      fetch(`http://127.0.0.1:${api.port}/webhooks/graph/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          value: [
            {
              subscriptionId: 'graceful-stop-sub',
              clientState,
              tenantId: w.sim.tenantId,
              changeType: 'updated',
              resource: 'Users/x',
            },
          ],
        }),
      });
    const deltaJobs = async () =>
      (await w.producer.queue(QUEUES.sync).getJobs(['waiting', 'active', 'delayed', 'prioritized'])).filter(
        (j) => j.name === 'users.sync' && j.data.integrationId === id && j.data.trigger === 'webhook',
      );

    expect((await post()).status).to.equal(202);
    const [leading] = await deltaJobs();
    expect(leading, 'the leading delta request').to.not.equal(undefined);
    await leading!.remove(); // a worker took it and already read Graph
    expect((await post()).status).to.equal(202); // within the window: answered from the memo
    expect(await deltaJobs()).to.have.length(0);

    await api.close();
    api2 = null;
    expect(await deltaJobs(), 'the owed trailing request, sent before close() returned').to.have.length(1);
  });
});
