import { expect } from 'chai';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/**
 * Routes whose only effect is on the queue (starting a sync, reading a job): with the api's Redis
 * unreachable they answer 503 as documented, having saved nothing. (Writes that save settings are
 * answered once saved: reliability/redis-outage-writes.spec.ts.)
 */
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

  const calls: [string, string, unknown?][] = [
    ['POST', 'sync', { scope: 'users', mode: 'delta' }],
    ['POST', 'sync', { scope: 'all', mode: 'full' }],
  ];
  for (const [method, action, json] of calls) {
    it(`${method} /integrations/{id}/${action} ${JSON.stringify(json)}: 503 service_unavailable in the contract's shape, not 500`, async () => {
      w.proxy!.cut();
      try {
        const r = await w.h.call(`/api/v1/integrations/${id}/${action}`, { method, ...(json ? { json } : {}) });
        expect(r.status).to.equal(503);
        expect(r.body.error.code).to.equal('service_unavailable');
        expect(r.body.error.message).to.be.a('string');
      } finally {
        w.proxy!.restore();
      }
    });
  }

  it('GET /jobs/{id}: 503 too', async () => {
    w.proxy!.cut();
    try {
      // A job id of the shape the service hands out, so the lookup reaches Redis.
      expect((await w.h.call('/api/v1/jobs/6f1c1d7e-3a55-4c1b-9a7e-2b7d2c9e8f10')).status).to.equal(503);
    } finally {
      w.proxy!.restore();
    }
  });
});
