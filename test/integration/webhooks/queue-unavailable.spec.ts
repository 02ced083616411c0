import { expect } from 'chai';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/** Enable and disable queue their work: with the api's Redis unreachable they answer 503 as documented. */
describe('subscriptions routes: Redis down on the api side', () => {
  let w: WebhookHarness;
  let id: string;

  before(async () => {
    w = await startWebhookHarness({ proxyRedis: true, worker: false });
    id = await w.create();
  });
  after(async () => {
    w?.proxy?.restore();
    await w?.close();
  });

  for (const action of ['enable', 'disable']) {
    it(`POST /integrations/{id}/${action}: 503 service_unavailable in the contract's shape, not 500`, async () => {
      w.proxy!.cut();
      try {
        const r = await w.h.call(`/api/v1/integrations/${id}/${action}`, { method: 'POST' });
        expect(r.status).to.equal(503);
        expect(r.body.error.code).to.equal('service_unavailable');
        expect(r.body.error.message).to.be.a('string');
      } finally {
        w.proxy!.restore();
      }
    });
  }
});
