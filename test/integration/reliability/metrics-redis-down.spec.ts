import { expect } from 'chai';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/** /metrics while the api's Redis refuses connections, or hangs: served, queue gauges marked absent. */
describe('/metrics with Redis down', () => {
  let w: WebhookHarness;

  before(async () => {
    w = await startWebhookHarness({ proxyRedis: true, worker: false });
  });
  afterEach(() => w.proxy!.restore());
  after(async () => w?.close());

  const scrape = async () => {
    const r = await w.h.call('/metrics', { auth: false });
    return { status: r.status, text: String(r.body) };
  };

  it('reads the queue gauges when Redis answers', async () => {
    const { status, text } = await scrape();
    expect(status).to.equal(200);
    expect(text).to.match(/^ones_m365_queue_metrics_up 1$/m);
    expect(text).to.match(/^ones_m365_queue_jobs\{queue="sync",state="waiting"\} \d+$/m);
  });

  for (const [fault, apply] of [
    ['refused', (w: WebhookHarness) => w.proxy!.cut()],
    ['hanging', (w: WebhookHarness) => w.proxy!.stall()],
  ] as const) {
    it(`serves process and HTTP metrics with Redis ${fault}; the queue gauges are absent and queue_metrics_up is 0`, async () => {
      await w.h.call('/healthz', { auth: false });
      apply(w);
      const { status, text } = await scrape();
      expect(status).to.equal(200);
      expect(text).to.match(/^ones_m365_process_cpu_user_seconds_total \d/m);
      expect(text).to.match(/^ones_m365_http_request_duration_seconds_count\{.*route="\/healthz".*\} \d+$/m);
      expect(text).to.match(/^ones_m365_queue_metrics_up 0$/m);
      expect(text).to.not.match(/^ones_m365_queue_jobs\{/m);
    });
  }

  it('reads them again once Redis is back', async () => {
    w.proxy!.cut();
    expect((await scrape()).text).to.match(/^ones_m365_queue_metrics_up 0$/m);
    w.proxy!.restore();
    await w.until('the queue gauges back', scrape, (r) => /^ones_m365_queue_metrics_up 1$/m.test(r.text));
  });
});
