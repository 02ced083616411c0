import { expect } from 'chai';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/** The api's Redis behind a proxy the test cuts: Graph gets 503, redelivers, nothing is lost. */
describe('webhooks: Redis down on the api side', () => {
  let w: WebhookHarness;
  let id: string;

  before(async () => {
    w = await startWebhookHarness({ proxyRedis: true, seed: { rooms: 0 } });
    id = await w.create();
    await w.enable(id);
    await w.until(
      'the subscription',
      () => w.subscriptions.listForIntegration(id),
      (r) => r.length === 1,
    );
    await w.syncIdle();
  });
  after(async () => w?.close());

  it('answers 503 while Redis is unreachable; the redelivery after it is back is accepted and the change reaches ONES', async () => {
    await new Promise((r) => setTimeout(r, 1_200)); // past any coalescing window of earlier notifications
    w.proxy!.cut();
    const user = w.sim.listUsers({ limit: 3 })[2]!;
    w.sim.updateUser(user.id, { displayName: 'Changed While Redis Was Down' });
    await w.until(
      'a 503 to Graph',
      () => w.sim.notifications(),
      (d) => d.some((x) => x.status === 503),
    );
    const users = await w.h.call(`/api/v1/integrations/${id}/users?limit=200`);
    expect(users.body.items.find((u: { graphId: string }) => u.graphId === user.id)?.displayName).to.not.equal(
      'Changed While Redis Was Down',
    );
    w.proxy!.restore();
    await w.until(
      'a redelivery accepted',
      () => w.sim.notifications(),
      (d) => d.some((x) => x.status === 202 && x.attempt > 1),
    );
    await w.until(
      'the change in ONES',
      () => w.h.call(`/api/v1/integrations/${id}/users?limit=200`),
      (r) =>
        r.body.items.some(
          (u: { graphId: string; displayName: string }) =>
            u.graphId === user.id && u.displayName === 'Changed While Redis Was Down',
        ),
    );
  });
});
