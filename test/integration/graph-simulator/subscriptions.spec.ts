import type { Client } from '@microsoft/microsoft-graph-client';
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { graphFor, msalFor } from '../../support/graph-simulator-clients.js';
import { WebhookReceiver } from '../../support/graph-simulator-webhook.js';

type Sub = { id: string; expirationDateTime: string; resource: string };
type GErr = { statusCode: number; code: string; message: string };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('graph-simulator: subscriptions and change notifications', () => {
  let sim: GraphSimulator;
  let graph: Client;
  let hook: WebhookReceiver;
  let room: string;

  before(async () => {
    sim = await startGraphSimulator({
      seed: { seed: 21, users: 40, rooms: 3 },
      settings: {
        notificationBatchMs: 40,
        notificationRetryBaseMs: 50,
        notificationTimeoutMs: 300,
        validationTimeoutMs: 500,
      },
    });
    graph = graphFor(sim, msalFor(sim));
    hook = await new WebhookReceiver().start();
    room = sim.listRooms()[0]!.emailAddress;
  });
  after(async () => {
    await sim.close();
    await hook.close();
  });
  beforeEach(async () => {
    hook.posts.length = 0;
    hook.statuses = [];
    hook.handshake = 'echo';
    hook.delayMs = 0;
    sim.clearFaults();
    sim.clearNotifications();
    for (const s of sim.listSubscriptions()) await graph.api(`/subscriptions/${String(s.id)}`).delete();
  });

  const create = (over: Record<string, unknown> = {}) =>
    graph.api('/subscriptions').post({
      changeType: 'updated,deleted',
      notificationUrl: `${hook.url}/notify`,
      lifecycleNotificationUrl: `${hook.url}/lifecycle`,
      resource: '/users',
      expirationDateTime: inMinutes(60),
      clientState: 'secret-state',
      ...over,
    }) as Promise<Sub>;

  it('create runs the validation handshake against notificationUrl and lifecycleNotificationUrl', async () => {
    const sub = await create();
    expect(hook.validations).to.be.gte(2);
    const got = (await graph.api(`/subscriptions/${sub.id}`).get()) as Sub;
    expect(got.id).to.equal(sub.id);
    const list = (await graph.api('/subscriptions').get()) as { value: Sub[] };
    expect(list.value.map((s) => s.id)).to.deep.equal([sub.id]);
  });

  for (const mode of ['wrong', 'html', 'encoded', 'silent'] as const) {
    it(`create fails with 400 when the endpoint answers the handshake badly (${mode})`, async () => {
      hook.handshake = mode;
      const err = await create().then(
        () => null,
        (e: GErr) => e,
      );
      expect(err?.statusCode).to.equal(400);
      expect(err?.code).to.equal('ValidationError');
      expect(sim.listSubscriptions()).to.have.length(0);
    });
  }

  it('lifetimes: under 45 min raised to 45, over the maximum clamped (users 41,760 min; events 10,080 min)', async () => {
    const short = await create({ expirationDateTime: inMinutes(5) });
    expect(Date.parse(short.expirationDateTime) - Date.now()).to.be.within(44 * 60_000, 46 * 60_000);
    await graph.api(`/subscriptions/${short.id}`).delete();
    const long = await create({ expirationDateTime: inMinutes(100_000) });
    expect(Date.parse(long.expirationDateTime) - Date.now()).to.be.within(41_759 * 60_000, 41_761 * 60_000);
    const ev = await create({
      resource: `/users/${room}/events`,
      changeType: 'created,updated,deleted',
      expirationDateTime: inMinutes(100_000),
    });
    expect(Date.parse(ev.expirationDateTime) - Date.now()).to.be.within(10_079 * 60_000, 10_081 * 60_000);
    const renewed = (await graph.api(`/subscriptions/${long.id}`).patch({ expirationDateTime: inMinutes(120) })) as Sub;
    expect(Date.parse(renewed.expirationDateTime) - Date.now()).to.be.within(119 * 60_000, 121 * 60_000);
  });

  it('409 on a duplicate changeType + resource for the same app; 403 naming the quota when exceeded', async () => {
    await create();
    const dup = await create().then(
      () => null,
      (e: GErr) => e,
    );
    expect(dup?.statusCode).to.equal(409);
    sim.updateSettings({ subscriptionQuotas: { usersPerAppPerTenant: 2, perTenant: 1000, perMailbox: 1000 } });
    const u = sim.listUsers({ limit: 2 });
    await create({ resource: `/users/${u[0]!.id}` });
    const over = await create({ resource: `/users/${u[1]!.id}` }).then(
      () => null,
      (e: GErr) => e,
    );
    expect(over?.statusCode).to.equal(403);
    expect(over?.message).to.contain('per application per tenant');
    sim.updateSettings({ subscriptionQuotas: { usersPerAppPerTenant: 100, perTenant: 1000, perMailbox: 1000 } });
  });

  it('notificationUrl must be https unless http is allowed (default: loopback only)', async () => {
    sim.updateSettings({ allowHttpNotificationUrls: false });
    const err = await create().then(
      () => null,
      (e: GErr) => e,
    );
    expect(err?.statusCode).to.equal(400);
    sim.updateSettings({ allowHttpNotificationUrls: 'loopback' });
    const other = await create({ notificationUrl: 'http://example.com/notify' }).then(
      () => null,
      (e: GErr) => e,
    );
    expect(other?.statusCode).to.equal(400);
    expect((await create()).id).to.be.a('string');
  });

  it('user changes are POSTed in batches with clientState, tenantId, subscriptionId, resource and resourceData', async () => {
    const sub = await create();
    const users = sim.listUsers({ limit: 5 });
    for (const u of users.slice(0, 4)) sim.updateUser(u.id, { jobTitle: 'Changed' });
    sim.hardDeleteUser(users[4]!.id);
    await hook.waitFor(() => hook.items().length >= 5);
    const items = hook.items();
    expect(hook.posts.filter((p) => p.path === '/notify').length).to.be.lessThan(5); // batched
    const n = items[0]!;
    expect(n).to.include({
      subscriptionId: sub.id,
      clientState: 'secret-state',
      tenantId: sim.tenantId,
      changeType: 'updated',
    });
    expect(n.resource).to.equal(`Users/${users[0]!.id}`);
    expect(n.subscriptionExpirationDateTime).to.equal(sub.expirationDateTime);
    expect(n.resourceData).to.include({ id: users[0]!.id, '@odata.type': '#Microsoft.Graph.User' });
    expect(items.find((i) => i.changeType === 'deleted')?.resource).to.equal(`Users/${users[4]!.id}`);
  });

  it('room event changes reach /users/{room}/events subscriptions (created, updated, deleted)', async () => {
    const sub = await create({ resource: `/users/${room}/events`, changeType: 'created,updated,deleted' });
    const ev = sim.bookEvent(room, { subject: 'Notify me', start: inMinutes(60 * 24), end: inMinutes(60 * 25) });
    sim.moveEvent(ev.id, { start: inMinutes(60 * 26), end: inMinutes(60 * 27) });
    sim.cancelEvent(ev.id);
    sim.bookEvent(sim.listRooms()[1]!.emailAddress, { start: inMinutes(60), end: inMinutes(90) }); // other room: not delivered
    await hook.waitFor(() => hook.items().length >= 3);
    await new Promise((r) => setTimeout(r, 120));
    const items = hook.items();
    expect(items.map((i) => i.changeType)).to.deep.equal(['created', 'updated', 'deleted']);
    expect(items.every((i) => i.subscriptionId === sub.id)).to.equal(true);
    expect(String(items[0]!.resource)).to.match(new RegExp(`^Users/[^/]+/Events/${ev.id}$`));
  });

  it('failed deliveries (5xx, slow) are retried with backoff until accepted', async () => {
    await create();
    hook.statuses = [500, 503];
    sim.updateUser(sim.listUsers({ limit: 1 })[0]!.id, { jobTitle: 'Retry' });
    await hook.waitFor(() => sim.notifications().some((d) => d.ok));
    const attempts = sim.notifications().filter((d) => d.kind === 'change');
    expect(attempts.map((a) => a.status)).to.deep.equal([500, 503, 202]);
    expect(attempts.map((a) => a.outcome)).to.deep.equal(['failed', 'failed', 'delivered']);
    hook.delayMs = 500; // slower than notificationTimeoutMs (300)
    sim.clearNotifications();
    sim.updateUser(sim.listUsers({ limit: 1 })[0]!.id, { jobTitle: 'Slow' });
    await hook.waitFor(() => sim.notifications().length >= 2, 4000);
    expect(sim.notifications()[0]!.error).to.match(/timed out/);
  });

  it('drop and duplicate faults', async () => {
    const sub = await create();
    const mine = () => hook.items().filter((i) => i.subscriptionId === sub.id);
    sim.setNotificationFaults({ dropNext: 1 });
    const [a, b] = sim.listUsers({ limit: 2 });
    sim.updateUser(a!.id, { jobTitle: 'Dropped' });
    sim.setNotificationFaults({ duplicateNext: 1 });
    sim.updateUser(b!.id, { jobTitle: 'Twice' });
    await hook.waitFor(() => mine().length >= 2);
    await new Promise((r) => setTimeout(r, 150));
    expect(mine().map((i) => i.resource)).to.deep.equal([`Users/${b!.id}`, `Users/${b!.id}`]);
    expect(
      hook.posts.filter(
        (p) => (p.body as { value?: { subscriptionId: string }[] })?.value?.[0]?.subscriptionId === sub.id,
      ),
    ).to.have.length(2);
    expect(sim.notificationStats().dropped).to.equal(1);
  });

  it('lifecycle events go to the lifecycleNotificationUrl; subscriptionRemoved deletes the subscription', async () => {
    const sub = await create({ resource: `/users/${room}/events`, changeType: 'created,updated,deleted' });
    sim.fireLifecycle(sub.id, 'reauthorizationRequired');
    sim.fireLifecycle(sub.id, 'missed');
    sim.fireLifecycle(sub.id, 'subscriptionRemoved');
    await hook.waitFor(() => hook.items('/lifecycle').length >= 3);
    expect(hook.items('/lifecycle').map((i) => i.lifecycleEvent)).to.deep.equal([
      'reauthorizationRequired',
      'missed',
      'subscriptionRemoved',
    ]);
    expect(hook.items('/lifecycle')[0]).to.include({ subscriptionId: sub.id, clientState: 'secret-state' });
    const err = await graph
      .api(`/subscriptions/${sub.id}`)
      .get()
      .then(
        () => null,
        (e: GErr) => e,
      );
    expect(err?.statusCode).to.equal(404);
  });

  it('expired subscriptions stop delivering and disappear', async () => {
    const sub = await create();
    sim.setSubscriptionExpiry(sub.id, new Date(Date.now() - 1000).toISOString());
    sim.updateUser(sim.listUsers({ limit: 1 })[0]!.id, { jobTitle: 'Nobody hears' });
    await new Promise((r) => setTimeout(r, 150));
    expect(hook.items()).to.have.length(0);
    const list = (await graph.api('/subscriptions').get()) as { value: Sub[] };
    expect(list.value).to.have.length(0);
  });

  it('subscribing to /users needs User.Read.All; to room events Calendars.Read', async () => {
    const app = sim.createApp({ permissions: ['Place.Read.All'] });
    const g = graphFor(sim, msalFor(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value }));
    const err = await g
      .api('/subscriptions')
      .post({
        changeType: 'updated',
        notificationUrl: `${hook.url}/notify`,
        resource: '/users',
        expirationDateTime: inMinutes(60),
        clientState: 'x',
      })
      .then(
        () => null,
        (e: GErr) => e,
      );
    expect(err?.statusCode).to.equal(403);
  });
});
