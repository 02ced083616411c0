import { expect } from 'chai';
import { sha256Hex } from '@ones-m365/shared/crypto';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/** The webhook endpoints against the simulator's real handshake and deliveries, with a worker. */
describe('webhooks: endpoints (simulator, api, worker)', () => {
  let w: WebhookHarness;
  let id: string;
  let sub: { id: string; resource: string; expiresAt: string; status: string };

  const post = (
    path: string,
    body: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) =>
    w.h.call(path, {
      method: 'POST',
      auth: false,
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const item = (over: Record<string, unknown> = {}) => ({
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: sub.expiresAt,
    changeType: 'updated',
    resource: 'Users/x',
    clientState: 'not-the-real-one',
    tenantId: w.sim.tenantId,
    resourceData: { id: 'x' },
    ...over,
  });
  const outcome = async (name: string) => {
    const text = String((await w.h.call('/metrics', { auth: false })).body);
    const m = text.match(new RegExp(`ones_m365_webhook_notifications_total\\{outcome="${name}"\\} (\\d+)`));
    return m ? Number(m[1]) : 0;
  };

  before(async () => {
    // No rooms: this spec follows the /users subscription (room calendars have their own spec).
    w = await startWebhookHarness({ seed: { rooms: 0 } });
    id = await w.create();
    await w.enable(id);
    const list = await w.until(
      'the /users subscription',
      () => w.h.call(`/api/v1/integrations/${id}/subscriptions`),
      (r) => r.body.items?.length === 1,
    );
    sub = list.body.items[0];
    await w.until(
      'the first full sync',
      () => w.h.call(`/api/v1/integrations/${id}/users?limit=200`),
      (r) => r.body.items?.length > 0,
    );
  });
  after(async () => w?.close());

  it("created the /users subscription through the simulator's real handshake, with the URLs from PUBLIC_BASE_URL", async () => {
    expect(sub.resource).to.equal('/users');
    const atGraph = w.sim.listSubscriptions();
    expect(atGraph.map((s) => s.id)).to.deep.equal([sub.id]);
    expect(atGraph[0]!.notificationUrl).to.equal(`${w.h.url}/webhooks/graph/notifications`);
    expect(atGraph[0]!.lifecycleNotificationUrl).to.equal(`${w.h.url}/webhooks/graph/lifecycle`);
    const row = await w.subscriptions.findByGraphId(sub.id);
    expect(row!.clientStateHash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(atGraph[0])).to.not.include(row!.clientStateHash);
  });

  for (const path of ['/webhooks/graph/notifications', '/webhooks/graph/lifecycle']) {
    it(`${path}: the handshake echoes the URL-decoded token as text/plain, nothing else reflected`, async () => {
      const token = 'Validation: a+b%20c <script>alert(1)</script> & é';
      const r = await w.h.call(`${path}?validationToken=${encodeURIComponent(token)}&other=<b>x</b>`, {
        method: 'POST',
        auth: false,
        headers: { 'content-type': 'text/plain' },
      });
      expect(r.status).to.equal(200);
      expect(r.headers.get('content-type')).to.match(/^text\/plain/);
      expect(r.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(r.body).to.equal(token);
      const plus = await w.h.call(`${path}?validationToken=a+b%3Ac`, { method: 'POST', auth: false });
      expect(plus.body).to.equal('a b:c');
    });
  }

  it('a change in the tenant reaches ONES through a notification and a delta run', async () => {
    const user = w.sim.listUsers({ limit: 1 })[0]!;
    w.sim.updateUser(user.id, { displayName: 'Renamed By Webhook' });
    await w.until(
      'the renamed user',
      () => w.h.call(`/api/v1/integrations/${id}/users?limit=200`),
      (r) =>
        r.body.items.some(
          (u: { graphId: string; displayName: string }) =>
            u.graphId === user.id && u.displayName === 'Renamed By Webhook',
        ),
    );
    expect(await outcome('accepted')).to.be.greaterThan(0);
  });

  it('ignores a forged clientState, an unknown subscription and a wrong tenant: 202 and no work', async () => {
    // The test before leaves a trailing delta request owed (the memo's window): let it go first.
    await new Promise((r) => setTimeout(r, 1_500));
    await w.syncIdle();
    const since = Date.now();
    const before = await Promise.all(['bad_client_state', 'unknown_subscription', 'wrong_tenant'].map(outcome));
    expect((await post('/webhooks/graph/notifications', { value: [item()] })).status).to.equal(202);
    expect(
      (
        await post('/webhooks/graph/notifications', {
          value: [item({ subscriptionId: '00000000-0000-0000-0000-000000000000' })],
        })
      ).status,
    ).to.equal(202);
    const real = await w.subscriptions.findByGraphId(sub.id);
    expect(real).to.not.equal(null);
    // A right clientState is not needed to prove the tenant check: it runs after it, so use a
    // notification the simulator signed, re-addressed to another tenant.
    const delivered = w.sim.notifications().flatMap((d) => d.value as unknown as Record<string, unknown>[]);
    const genuine = delivered.find((n) => n.subscriptionId === sub.id)!;
    expect(genuine, 'a genuine notification').to.not.equal(undefined);
    expect(
      (
        await post('/webhooks/graph/notifications', {
          value: [{ ...genuine, tenantId: '11111111-2222-3333-4444-555555555555' }],
        })
      ).status,
    ).to.equal(202);
    const after = await Promise.all(['bad_client_state', 'unknown_subscription', 'wrong_tenant'].map(outcome));
    expect(after.map((n, i) => n - before[i]!)).to.deep.equal([1, 1, 1]);
    expect(await w.webhookDeltaJobs(id, since)).to.equal(0);
  });

  it("a notification of a stream this version does not sync is ignored (202, logged), and its batch's other notifications are queued", async () => {
    await w.syncIdle();
    const clientState = 'a-calendar-subscription-client-state';
    const rows = await Promise.all(
      ['desks:3f1c2a9e-0000-4000-8000-000000000001', 'bookings'].map((stream, i) =>
        w.subscriptions.add({
          integrationId: id,
          graphSubscriptionId: `not-synced-${i}`,
          resource: `/users/room-${i}/events`,
          changeType: 'created,updated,deleted',
          stream,
          clientStateHash: sha256Hex(clientState),
          expiresAt: new Date(Date.now() + 24 * 3600_000),
        }),
      ),
    );
    try {
      const delivered = w.sim.notifications().flatMap((d) => d.value as unknown as Record<string, unknown>[]);
      const genuine = delivered.find((n) => n.subscriptionId === sub.id)!;
      const calendar = rows.map((r) => ({
        ...genuine,
        subscriptionId: r.graphSubscriptionId,
        clientState,
        resource: 'Users/room/Events/e1',
      }));
      await w.coordination.announceSubscriptionsChanged(id);
      await w.until(
        "the api's table holding the new rows",
        async () => {
          const before = await outcome('unknown_stream');
          await post('/webhooks/graph/notifications', { value: [calendar[0]] });
          return (await outcome('unknown_stream')) - before;
        },
        (n) => n === 1,
      );
      const since = Date.now();
      const before = await outcome('unknown_stream');
      expect((await post('/webhooks/graph/notifications', { value: [...calendar, genuine] })).status).to.equal(202);
      expect((await outcome('unknown_stream')) - before).to.equal(2);
      await w.until(
        'the users delta of the same batch',
        () => w.webhookDeltaJobs(id, since),
        (n) => n >= 1,
      );
    } finally {
      for (const r of rows) await w.subscriptions.remove(r.id);
    }
  });

  it('rejects what is not a notification batch (400) and bodies over the limit (413)', async () => {
    expect((await post('/webhooks/graph/notifications', '{not json')).status).to.equal(400);
    expect((await post('/webhooks/graph/notifications', { hello: 'world' })).status).to.equal(400);
    expect((await post('/webhooks/graph/notifications', { value: [] })).status).to.equal(400);
    expect((await post('/webhooks/graph/notifications', { value: [{ clientState: 'x' }] })).status).to.equal(400);
    expect((await post('/webhooks/graph/notifications', { value: [item({ changeType: undefined })] })).status).to.equal(
      400,
    );
    expect((await post('/webhooks/graph/notifications', 'value=1', { 'content-type': 'text/plain' })).status).to.equal(
      400,
    );
    const big = { value: [item({ resourceData: { id: 'x'.repeat(300_000) } })] };
    expect((await post('/webhooks/graph/notifications', big)).status).to.equal(413);
  });

  it('a burst of notifications for one stream becomes at most 2 delta runs', async () => {
    await w.syncIdle();
    const delivered = w.sim.notifications().flatMap((d) => d.value as unknown as Record<string, unknown>[]);
    const genuine = delivered.find((n) => n.subscriptionId === sub.id)!;
    const since = Date.now();
    const posts = Array.from({ length: 40 }, () =>
      post('/webhooks/graph/notifications', { value: Array.from({ length: 25 }, () => genuine) }),
    );
    const statuses = (await Promise.all(posts)).map((r) => r.status);
    expect(new Set(statuses)).to.deep.equal(new Set([202]));
    await new Promise((r) => setTimeout(r, 1_500)); // the memo's trailing request
    await w.syncIdle();
    const runs = await w.webhookDeltaJobs(id, since);
    expect(runs).to.be.within(1, 2);
  });
});
