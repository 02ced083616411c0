import { expect } from 'chai';
import { createRedisConnection } from '@ones-m365/shared/queue';
import { TEST_REDIS } from '../../support/services.js';
import type { RunningApi } from '@ones-m365/api';
import { startAnotherApi, startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/**
 * Two api processes share the database and Redis; the worker's change announcements reach both
 * subscription tables (the second api never served the change itself).
 */
describe('webhooks: subscription table invalidation across api processes', () => {
  let w: WebhookHarness;
  let api2: RunningApi;
  const conns = [createRedisConnection(TEST_REDIS, 'producer'), createRedisConnection(TEST_REDIS, 'worker')];

  before(async () => {
    // No rooms: this spec follows the one /users subscription.
    w = await startWebhookHarness({ seed: { rooms: 0 } });
    api2 = await startAnotherApi(w, conns[0]!, conns[1]!);
  });
  after(async () => {
    await api2?.close();
    for (const c of conns) c.disconnect();
    await w?.close();
  });

  const postTo2 = (body: unknown) =>
    fetch(`http://127.0.0.1:${api2.port}/webhooks/graph/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const outcome2 = async (name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${api2.port}/metrics`)).text();
    return Number(
      text.match(new RegExp(`ones_m365_webhook_notifications_total\\{outcome="${name}"\\} (\\d+)`))?.[1] ?? 0,
    );
  };

  it('a subscription deleted by the worker stops being accepted by the other api at once (not after the TTL)', async () => {
    const id = await w.create();
    await w.enable(id);
    const [row] = await w.until(
      'the subscription',
      () => w.subscriptions.listForIntegration(id),
      (r) => r.length === 1,
    );
    const user = w.sim.listUsers({ limit: 1 })[0]!;
    w.sim.updateUser(user.id, { displayName: 'Seen By Two Apis' });
    const genuine = await w.until('a genuine notification', () =>
      w.sim
        .notifications()
        .flatMap((d) => d.value as unknown as Record<string, unknown>[])
        .find((n) => n.subscriptionId === row!.graphSubscriptionId),
    );
    expect((await postTo2({ value: [genuine] })).status).to.equal(202);
    expect(await outcome2('accepted')).to.equal(1);
    await w.h.call(`/api/v1/integrations/${id}/disable`, { method: 'POST' });
    await w.until(
      'the subscription deleted',
      () => w.subscriptions.listForIntegration(id),
      (r) => r.length === 0,
    );
    // The table's TTL is 60 s; only the announcement can make this happen within the wait.
    await w.until(
      'api 2 to ignore it',
      async () => {
        expect((await postTo2({ value: [genuine] })).status).to.equal(202);
        return await outcome2('unknown_subscription');
      },
      (n) => n > 0,
      10_000,
    );
  });
});
