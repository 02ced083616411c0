import { expect } from 'chai';
import { PendingJobRepository } from '@ones-m365/shared/db';
import { QUEUES } from '@ones-m365/shared/queue';
import { pollSchedulerId } from '../../../services/worker/src/subscriptions/poll-schedule.js';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/**
 * Redis unreachable for the api and the worker alike (both behind one proxy the test cuts): a
 * write is answered once saved, and its follow-up (subscriptions deleted or made at Graph, a
 * sync, a poll schedule) happens once Redis is back, from the job outbox.
 */
describe('writes during a Redis outage', () => {
  let w: WebhookHarness;
  let pending: PendingJobRepository;

  before(async () => {
    w = await startWebhookHarness({ proxyRedis: true, proxyWorkerRedis: true, outboxDrainMs: 200, seed: { rooms: 0 } });
    pending = new PendingJobRepository(w.h.db.ds);
  });
  afterEach(async () => {
    w.proxy!.restore();
    // A worker closed while it reconnects can hang in BullMQ: wait until it runs jobs again.
    const jobId = (await w.until('a job taken', () =>
      w.producer.enqueue('maintenance.prune-sync-runs', { olderThanDays: 30 }).then(
        (j): string | null => j.id,
        () => null,
      ),
    )) as string;
    await w.until(
      'the worker back',
      async () => (await w.producer.queue(QUEUES.maintenance).getJob(jobId))?.getState(),
      (s) => s === 'completed',
    );
  });
  after(async () => w?.close());

  const subscribedIntegration = async () => {
    const own = await w.createWithOwnApp();
    await w.enable(own.id);
    await w.until(
      'its subscription at Graph',
      () => w.subscriptionsAtGraph(own.appId),
      (s) => s.length === 1,
    );
    await w.syncIdle();
    return own;
  };
  const outboxDrained = (id: string) =>
    w.until(
      'the outbox drained',
      () => pending.forIntegration(id),
      (rows) => rows.length === 0,
    );

  it('disable: 202 once saved; the subscription is deleted at Graph when Redis is back', async () => {
    const { id, appId } = await subscribedIntegration();
    w.proxy!.cut();
    const r = await w.h.call(`/api/v1/integrations/${id}/disable`, { method: 'POST' });
    expect(r.status).to.equal(202);
    expect(r.body.integration.status).to.equal('disabled');
    expect(r.body.jobs.subscriptions).to.equal(null);
    expect((await w.h.call(`/api/v1/integrations/${id}`)).body.status).to.equal('disabled');
    expect(await pending.forIntegration(id)).to.have.length(1);
    expect(w.subscriptionsAtGraph(appId)).to.have.length(1);
    w.proxy!.restore();
    await w.until(
      'the subscription deleted at Graph',
      () => w.subscriptionsAtGraph(appId),
      (s) => s.length === 0,
    );
    await outboxDrained(id);
    expect(await w.subscriptions.listForIntegration(id)).to.deep.equal([]);
  });

  it('DELETE: 204 once saved, a retried DELETE 404, and the subscription deleted at Graph when Redis is back', async () => {
    const { id, appId } = await subscribedIntegration();
    w.proxy!.cut();
    expect((await w.h.call(`/api/v1/integrations/${id}`, { method: 'DELETE' })).status).to.equal(204);
    expect((await w.h.call(`/api/v1/integrations/${id}`, { method: 'DELETE' })).status).to.equal(404);
    w.proxy!.restore();
    await w.until(
      'the subscription deleted at Graph',
      () => w.subscriptionsAtGraph(appId),
      (s) => s.length === 0,
    );
    await outboxDrained(id);
  });

  it('sync-mode: 200 once saved; polling replaces the subscription when Redis is back', async () => {
    const { id, appId } = await subscribedIntegration();
    w.proxy!.cut();
    const r = await w.h.call(`/api/v1/integrations/${id}/sync-mode`, {
      method: 'PUT',
      json: { mode: 'polling', pollIntervalSeconds: 120 },
    });
    expect(r.status).to.equal(200);
    expect(r.body.syncMode).to.equal('polling');
    w.proxy!.restore();
    await w.until(
      'the subscription deleted at Graph',
      () => w.subscriptionsAtGraph(appId),
      (s) => s.length === 0,
    );
    const schedule = await w.until(
      'the poll schedule',
      () => w.producer.queue(QUEUES.subscriptions).getJobScheduler(pollSchedulerId(id)),
      (s) => Number(s?.every) === 120_000,
    );
    expect(schedule).to.not.equal(undefined);
    await outboxDrained(id);
  });

  it('enable: 202 with the jobs still to come; the first sync and the subscription follow when Redis is back', async () => {
    const { id, appId } = await w.createWithOwnApp();
    w.proxy!.cut();
    const r = await w.h.call(`/api/v1/integrations/${id}/enable`, { method: 'POST' });
    expect(r.status).to.equal(202);
    expect(r.body.jobs).to.deep.equal({ rooms: null, users: null, subscriptions: null });
    expect(await pending.forIntegration(id)).to.have.length(3);
    w.proxy!.restore();
    await w.until(
      'the subscription at Graph',
      () => w.subscriptionsAtGraph(appId),
      (s) => s.length === 1,
    );
    await w.until(
      'the users synced',
      () => w.h.call(`/api/v1/integrations/${id}/users?limit=200`),
      (u) => u.body.items.length === 25,
    );
    await outboxDrained(id);
  });

  it('POST …/sync saves nothing and answers 503: a retry is the right thing', async () => {
    const { id } = await w.createWithOwnApp();
    w.proxy!.cut();
    const r = await w.h.call(`/api/v1/integrations/${id}/sync`, {
      method: 'POST',
      json: { scope: 'users', mode: 'delta' },
    });
    expect(r.status).to.equal(503);
    expect(r.body.error.code).to.equal('service_unavailable');
    expect(await pending.forIntegration(id)).to.deep.equal([]);
  });
});
