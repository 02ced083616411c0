import { expect } from 'chai';
import { DEFAULT_SAFETY_NET_POLL_SECONDS } from '@ones-m365/shared/config';
import { createRepositories } from '@ones-m365/shared/db';
import { createGraphClient } from '@ones-m365/shared/graph';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import { silentLogger } from '@ones-m365/shared/logging';
import { QUEUES } from '@ones-m365/shared/queue';
import type { JobContext } from '../../../services/worker/src/jobs/job-handler.js';
import { subscriptionsReconcileJob } from '../../../services/worker/src/jobs/subscriptions-reconcile.job.js';
import { subscriptionsRenewDueJob } from '../../../services/worker/src/jobs/subscriptions-renew-due.job.js';
import { subscriptionsRenewJob } from '../../../services/worker/src/jobs/subscriptions-renew.job.js';
import type { SubscriptionJobDeps } from '../../../services/worker/src/jobs/subscription-job-deps.js';
import { pollSchedulerId } from '../../../services/worker/src/subscriptions/poll-schedule.js';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

const ctx = {
  jobId: 't',
  attemptsMade: 0,
  maxAttempts: 1,
  logger: silentLogger(),
  progress: async () => undefined,
  delay: async () => {
    throw new Error('no delay');
  },
} as JobContext;

/** The subscription manager and lifecycle events against the simulator (api + worker running). */
describe('webhooks: subscription manager and lifecycle (simulator)', () => {
  let w: WebhookHarness;
  let id: string;
  const graph = createGraphClient({ retryDelaySeconds: 0.05, maxRetryAfterMs: 0 });

  const deps = (now?: Date): SubscriptionJobDeps => ({
    ...createRepositories(w.h.db.ds),
    graph,
    secretBox: w.box,
    producer: w.producer,
    coordination: w.coordination,
    publicBaseUrl: w.h.url,
    safetyNetSeconds: DEFAULT_SAFETY_NET_POLL_SECONDS,
    ...(now ? { now: () => now } : {}),
  });
  const rows = () => w.subscriptions.listForIntegration(id);
  const atGraph = () => w.sim.listSubscriptions(w.sim.tenantId);
  const scheduler = (integrationId: string) =>
    w.producer.queue(QUEUES.subscriptions).getJobScheduler(pollSchedulerId(integrationId));
  const subscribed = async () =>
    (await w.until('one subscription', rows, (r) => r.length === 1 && r[0]!.status === 'active'))[0]!;
  const replaced = (oldId: string) =>
    w.until(
      'a new subscription',
      rows,
      (r) => r.length === 1 && r[0]!.graphSubscriptionId !== oldId && r[0]!.status === 'active',
    );
  const patches = () => w.sim.requestCount({ method: 'PATCH' });

  before(async () => {
    // No rooms: this spec follows the one /users subscription (room calendars have their own spec).
    w = await startWebhookHarness({ seed: { rooms: 0 } });
    id = await w.create();
    await w.enable(id);
    await subscribed();
    await w.syncIdle();
  });
  after(async () => w?.close());

  it('webhook mode: the safety-net delta is scheduled at the slow interval, no fallback reason', async () => {
    const s = await w.until('the poll scheduler', () => scheduler(id));
    expect(Number(s!.every)).to.equal(DEFAULT_SAFETY_NET_POLL_SECONDS * 1000);
    expect((await w.integrations.get(id))!.statusReason).to.equal(null);
  });

  it('enable: the first safety-net delta is one interval away, not at once after the full sync', async () => {
    const s = await w.until('the poll scheduler', () => scheduler(id));
    // Scheduled by the enable of `before`, a few seconds ago at most; 15 minutes ahead, not now.
    expect(Number(s!.next)).to.be.greaterThan(Date.now() + (DEFAULT_SAFETY_NET_POLL_SECONDS * 1000) / 2);
    const pollJobs = await w.producer
      .queue(QUEUES.subscriptions)
      .getJobs(['waiting', 'active', 'completed', 'prioritized']);
    expect(pollJobs.filter((j) => j.name === 'subscriptions.poll')).to.have.length(0);
  });

  it("renews before expiry (fake clock): renew-due queues a renewal job for the due subscription, which PATCHes it in a $batch and stores Graph's expiry", async () => {
    const row = await subscribed();
    const early = new Date(row.expiresAt.getTime() - 5 * 24 * 3600_000);
    const late = new Date(row.expiresAt.getTime() - 3600_000);
    expect(await subscriptionsRenewDueJob(deps(early)).handle({}, ctx)).to.include({ due: 0, renewJobs: 0 });
    expect(await subscriptionsRenewDueJob(deps(late)).handle({}, ctx)).to.include({ due: 1, renewJobs: 1 });
    const before = patches();
    const batches = w.sim.requestCount({ method: 'POST', route: '$batch' });
    expect(
      await subscriptionsRenewJob(deps(early)).handle({ integrationId: id, subscriptionIds: [row.id] }, ctx),
    ).to.deep.equal({ renewed: 0, gone: 0 });
    await subscriptionsReconcileJob(deps(early)).handle({ integrationId: id }, ctx);
    expect(patches()).to.equal(before);
    expect(
      await subscriptionsRenewJob(deps(late)).handle({ integrationId: id, subscriptionIds: [row.id] }, ctx),
    ).to.deep.equal({ renewed: 1, gone: 0 });
    expect(patches()).to.equal(before + 1);
    expect(w.sim.requestCount({ method: 'POST', route: '$batch' })).to.equal(batches + 1);
    const renewed = (await rows())[0]!;
    expect(renewed.graphSubscriptionId).to.equal(row.graphSubscriptionId);
    const graphExpiry = Date.parse(String(atGraph()[0]!.expirationDateTime));
    expect(renewed.expiresAt.getTime()).to.equal(graphExpiry);
  });

  it('404 on a renewal job: the row goes and the reconcile recreates the subscription and runs a delta', async () => {
    const row = await subscribed();
    const integration = (await w.integrations.get(id))!;
    await graph.deleteSubscription(toGraphConnection(integration, w.box), row.graphSubscriptionId);
    const since = Date.now();
    expect(
      await subscriptionsRenewJob(deps(new Date(row.expiresAt.getTime() - 3600_000))).handle(
        { integrationId: id, subscriptionIds: [row.id] },
        ctx,
      ),
    ).to.deep.equal({ renewed: 0, gone: 1 });
    const now = await replaced(row.graphSubscriptionId);
    expect(atGraph().map((s) => s.id)).to.deep.equal([now[0]!.graphSubscriptionId]);
    await w.until(
      'a delta run',
      () => w.webhookDeltaJobs(id, since),
      (n) => n > 0,
    );
  });

  it('404 on renew in a reconcile: recreates the subscription and runs a delta', async () => {
    const row = await subscribed();
    // The test before leaves a delta run; a request while it waits is merged into it (older than `since`).
    await w.syncIdle();
    const integration = (await w.integrations.get(id))!;
    await graph.deleteSubscription(toGraphConnection(integration, w.box), row.graphSubscriptionId);
    const since = Date.now();
    await subscriptionsReconcileJob(deps(new Date(row.expiresAt.getTime() - 3600_000))).handle(
      { integrationId: id },
      ctx,
    );
    const now = await replaced(row.graphSubscriptionId);
    expect(atGraph().map((s) => s.id)).to.deep.equal([now[0]!.graphSubscriptionId]);
    await w.until(
      'a delta run',
      () => w.webhookDeltaJobs(id, since),
      (n) => n > 0,
    );
  });

  it('gone at Graph without a word: a plain reconcile trusts its row, enable (verify) recreates it', async () => {
    const row = await subscribed();
    const integration = (await w.integrations.get(id))!;
    await graph.deleteSubscription(toGraphConnection(integration, w.box), row.graphSubscriptionId);
    await subscriptionsReconcileJob(deps()).handle({ integrationId: id }, ctx);
    expect((await rows())[0]!.graphSubscriptionId).to.equal(row.graphSubscriptionId);
    expect(atGraph()).to.deep.equal([]);
    const enabled = await w.h.call(`/api/v1/integrations/${id}/enable`, { method: 'POST' });
    expect(enabled.status).to.equal(202);
    const now = await replaced(row.graphSubscriptionId);
    expect(atGraph().map((s) => s.id)).to.deep.equal([now[0]!.graphSubscriptionId]);
    await w.syncIdle();
  });

  it('409 on create: adopts by deleting our stale subscription and creating it with a fresh clientState', async () => {
    const row = await subscribed();
    await w.subscriptions.remove(row.id);
    const conflicts = w.sim.requestCount({ status: 409 });
    await subscriptionsReconcileJob(deps()).handle({ integrationId: id }, ctx);
    expect(w.sim.requestCount({ status: 409 })).to.equal(conflicts + 1);
    const now = await replaced(row.graphSubscriptionId);
    expect(atGraph().map((s) => s.id)).to.deep.equal([now[0]!.graphSubscriptionId]);
    expect(now[0]!.clientStateHash).to.not.equal(row.clientStateHash);
  });

  it('lifecycle missed → a delta run (duplicates harmless)', async () => {
    const row = await subscribed();
    await w.syncIdle();
    const since = Date.now();
    for (let i = 0; i < 3; i++) w.sim.fireLifecycle(row.graphSubscriptionId, 'missed');
    await w.until(
      'a delta run',
      () => w.webhookDeltaJobs(id, since),
      (n) => n > 0,
    );
    await w.syncIdle();
    expect(await w.webhookDeltaJobs(id, since)).to.be.within(1, 2);
    expect((await rows())[0]!.graphSubscriptionId).to.equal(row.graphSubscriptionId);
  });

  it('lifecycle reauthorizationRequired → renewed (PATCH), same subscription', async () => {
    const row = await subscribed();
    const before = patches();
    w.sim.fireLifecycle(row.graphSubscriptionId, 'reauthorizationRequired');
    w.sim.fireLifecycle(row.graphSubscriptionId, 'reauthorizationRequired');
    await w.until('a renewal', patches, (n) => n > before);
    const after = await subscribed();
    expect(after.graphSubscriptionId).to.equal(row.graphSubscriptionId);
  });

  it('lifecycle subscriptionRemoved → recreated and a delta run', async () => {
    const row = await subscribed();
    const since = Date.now();
    w.sim.fireLifecycle(row.graphSubscriptionId, 'subscriptionRemoved');
    const now = await replaced(row.graphSubscriptionId);
    expect(atGraph().map((s) => s.id)).to.deep.equal([now[0]!.graphSubscriptionId]);
    await w.until(
      'a delta run',
      () => w.webhookDeltaJobs(id, since),
      (n) => n > 0,
    );
  });

  it('quota (403): falls back to polling and says why on the integration', async () => {
    const app = w.sim.createApp({});
    w.sim.updateSettings({ subscriptionQuotas: { usersPerAppPerTenant: 0, perTenant: 1_000, perMailbox: 1_000 } });
    try {
      const other = await w.create({ clientId: app.appId, clientSecret: app.secrets[0]!.value });
      await w.enable(other);
      const i = await w.until(
        'the fallback reason',
        () => w.integrations.get(other),
        (x) => Boolean(x?.statusReason),
      );
      expect(i!.statusReason).to.match(
        /^Change notifications unavailable: Microsoft Graph refused the subscription \(.*(quota|limit)/i,
      );
      expect(i!.statusReason).to.include('Polling every 300 s');
      expect(Number((await w.until('the poll scheduler', () => scheduler(other)))!.every)).to.equal(300_000);
      expect(await w.subscriptions.listForIntegration(other)).to.have.length(0);
      await w.h.call(`/api/v1/integrations/${other}/disable`, { method: 'POST' });
    } finally {
      w.sim.updateSettings({ subscriptionQuotas: { usersPerAppPerTenant: 100, perTenant: 1_000, perMailbox: 1_000 } });
    }
  });

  it('polling mode: subscriptions deleted at Graph, delta every pollIntervalSeconds; back to webhooks resubscribes', async () => {
    await subscribed();
    const r = await w.h.call(`/api/v1/integrations/${id}/sync-mode`, {
      method: 'PUT',
      json: { mode: 'polling', pollIntervalSeconds: 120 },
    });
    expect(r.status).to.equal(200);
    await w.until('no subscriptions', rows, (x) => x.length === 0);
    expect(atGraph()).to.have.length(0);
    await w.until(
      'the 120 s poll',
      () => scheduler(id),
      (s) => Number(s?.every) === 120_000,
    );
    await w.h.call(`/api/v1/integrations/${id}/sync-mode`, { method: 'PUT', json: { mode: 'webhooks' } });
    await subscribed();
    await w.until(
      'the safety-net poll',
      () => scheduler(id),
      (s) => Number(s?.every) === DEFAULT_SAFETY_NET_POLL_SECONDS * 1000,
    );
  });

  it('disable deletes the subscriptions at Graph and the schedule; GET subscriptions is empty', async () => {
    await subscribed();
    const r = await w.h.call(`/api/v1/integrations/${id}/disable`, { method: 'POST' });
    expect(r.status).to.equal(202);
    await w.until('no subscriptions', rows, (x) => x.length === 0);
    expect(atGraph()).to.have.length(0);
    await w.until(
      'no poll scheduler',
      () => scheduler(id),
      (s) => !s,
    );
    expect((await w.h.call(`/api/v1/integrations/${id}/subscriptions`)).body).to.deep.equal({ items: [] });
  });

  it('DELETE of the integration deletes its subscriptions at Graph too', async () => {
    await w.enable(id);
    await subscribed();
    expect((await w.h.call(`/api/v1/integrations/${id}`, { method: 'DELETE' })).status).to.equal(204);
    await w.until('no subscriptions', rows, (x) => x.length === 0);
    expect(atGraph()).to.have.length(0);
    await w.until(
      'no poll scheduler',
      () => scheduler(id),
      (s) => !s,
    );
  });
  it('renew-due cleans up the subscriptions of an integration deleted while its reconcile could not be queued (not only near expiry)', async () => {
    const other = await w.create();
    await w.enable(other);
    const row = (
      await w.until(
        'its subscription',
        () => w.subscriptions.listForIntegration(other),
        (r) => r.length === 1 && r[0]!.status === 'active',
      )
    )[0]!;
    await w.syncIdle();
    // DELETE soft-deleted the row, then Redis refused the reconcile request (503): a retried
    // DELETE is a 404, so nothing else will ever ask for it.
    await w.integrations.softDelete(other);
    await subscriptionsRenewDueJob(deps(new Date(row.expiresAt.getTime() - 5 * 24 * 3600_000))).handle({}, ctx);
    await w.until(
      'no subscription left',
      () => w.subscriptions.listForIntegration(other),
      (r) => r.length === 0,
    );
    expect(atGraph().map((s) => s.id)).to.not.include(row.graphSubscriptionId);
  });
});
