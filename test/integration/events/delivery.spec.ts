/**
 * Events to ONES end to end in one process: the Graph simulator's changes reach the api's webhook,
 * the worker's delta runs write them with their events, and the events reach a real HTTP receiver
 * that verifies every signature. The receiver fails (500), hangs (no answer: the 10 s timeout),
 * and recovers; one integration's failures do not hold up another's; replay after downtime gives
 * exactly what was missed.
 */
import { expect } from 'chai';
import { startEventReceiver, type EventReceiver, type ReceivedEvent } from '../../support/event-receiver.js';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

describe('events to ONES (simulator, api + worker, MySQL, Redis, a real receiver)', function () {
  this.timeout(120_000);
  let receiver: EventReceiver;
  let w: WebhookHarness;
  let a: string;

  /** Every event of the integration through GET /events, page by page. */
  const replay = async (integrationId: string, after?: string, limit = 500): Promise<ReceivedEvent[]> => {
    const all: ReceivedEvent[] = [];
    let cursor = after;
    for (;;) {
      const q = new URLSearchParams({ integrationId, limit: String(limit), ...(cursor ? { after: cursor } : {}) });
      const r = await w.h.call(`/api/v1/events?${q.toString()}`);
      if (r.status !== 200) throw new Error(`GET /events: ${r.status} ${JSON.stringify(r.body)}`);
      all.push(...(r.body.items as ReceivedEvent[]));
      if (!r.body.nextCursor) return all;
      cursor = r.body.nextCursor as string;
    }
  };
  const ids = (events: ReceivedEvent[]) => events.map((e) => e.id);
  /** Until the receiver acknowledged every published event of the integration, in their order. */
  const caughtUp = (integrationId: string, what: string) =>
    w.until(
      what,
      async () => ({ published: ids(await replay(integrationId)), received: ids(receiver.unique(integrationId)) }),
      (v) => v.published.length > 0 && JSON.stringify(v.published) === JSON.stringify(v.received),
      60_000,
    );
  const health = async (id: string) =>
    (
      (await w.h.call(`/api/v1/integrations/${id}/health`)).body.checks as {
        name: string;
        status: string;
        message: string;
      }[]
    ).find((c) => c.name === 'events')!;
  const change = (i: number) => {
    const user = w.sim.listUsers({ limit: 1, offset: i })[0]!;
    w.sim.updateUser(user.id, { displayName: `Changed ${i} ${Date.now()}` });
    return user.id;
  };

  before(async () => {
    receiver = await startEventReceiver();
    w = await startWebhookHarness({
      events: {
        webhook: { url: receiver.url, secret: receiver.secret },
        backoff: { baseMs: 100, maxMs: 800, giveUpAfterMs: 24 * 3600_000 },
      },
    });
    a = await w.create();
    await w.enable(a);
  });
  after(async () => {
    await w?.close();
    await receiver?.close();
  });

  it('every change reaches the receiver, signed, each event once per acknowledged delivery, shaped as the API shows it', async () => {
    await w.until('the users load at the receiver', () =>
      receiver.unique(a).some((e) => e.type === 'sync_run.finished' && e.data.stream === 'users'),
    );
    await w.syncIdle();
    await caughtUp(a, 'the first load at the receiver');
    expect(
      receiver.attempts.every((x) => x.verified),
      'every delivery verifies',
    ).to.equal(true);
    expect(ids(receiver.acknowledged)).to.deep.equal(ids(receiver.unique()), 'no event twice without a failure');
    const types = new Set(receiver.unique(a).map((e) => e.type));
    for (const t of ['integration.status_changed', 'room.created', 'user.created', 'sync_run.finished'])
      expect(types, t).to.include(t);
    const users = (await w.h.call(`/api/v1/integrations/${a}/users?limit=500`)).body.items as { id: string }[];
    const created = receiver.unique(a).filter((e) => e.type === 'user.created');
    expect(created.map((e) => e.data.id).sort()).to.deep.equal(users.map((u) => u.id).sort());
    const one = users[0]!;
    expect(created.find((e) => e.data.id === one.id)!.data).to.deep.equal(one);
    const enabled = receiver.unique(a).find((e) => e.type === 'integration.status_changed')!;
    expect(enabled.data).to.include({ id: a, status: 'enabled' });
    expect(enabled.data).to.not.have.property('clientSecretSealed');
  });

  it('the receiver answering 500, then hanging past the timeout, then recovering: nothing lost, order kept', async () => {
    receiver.mode = 'fail';
    const before = receiver.attempts.length;
    const changed = [change(1), change(2)];
    await w.until(
      'failed deliveries',
      () => receiver.attempts.slice(before).filter((x) => x.status === 500).length,
      (n) => n >= 3,
    );
    const failing = await health(a);
    expect(failing.status).to.equal('warning');
    expect(failing.message).to.include('HTTP 500');
    const metrics = await (await fetch(`${w.h.url}/metrics`)).text();
    expect(metrics).to.include(`ones_m365_events_delivery_failing{integration="${a}"} 1`);
    receiver.mode = 'hang';
    const hangAt = receiver.attempts.length;
    changed.push(change(3));
    await w.until(
      'a delivery left unanswered',
      () => receiver.attempts.slice(hangAt).some((x) => x.status === null),
      Boolean,
      30_000,
    );
    changed.push(change(4));
    receiver.mode = 'ok';
    await caughtUp(a, 'the receiver caught up');
    const updated = receiver
      .unique(a)
      .filter((e) => e.type === 'user.updated')
      .map((e) => e.data.graphId);
    expect(updated).to.include.members(changed);
    const h = await health(a);
    expect(h.status).to.equal('ok');
    expect(h.message).to.include('0 waiting');
  });

  it("one integration's failing deliveries do not hold up another's", async () => {
    const b = (await w.createWithOwnApp()).id;
    await w.enable(b);
    await caughtUp(b, "the second integration's first load");
    receiver.mode = (events) => (events.some((e) => e.integrationId === b) ? 'fail' : 'ok');
    const start = receiver.attempts.length;
    const user = change(5);
    // Both integrations read the same tenant: the change is an event of each.
    await w.until('the change at the receiver for the first integration only', () =>
      receiver.unique(a).some((e) => e.type === 'user.updated' && e.data.graphId === user),
    );
    const updated = (e: { type: string; data: Record<string, unknown> }) =>
      e.type === 'user.updated' && e.data.graphId === user;
    await w.until('a failed delivery of the change for the second integration', () =>
      receiver.attempts
        .slice(start)
        .some((x) => x.status === 500 && x.events.some((e) => e.integrationId === b && updated(e))),
    );
    expect(receiver.unique(b).some(updated)).to.equal(false);
    receiver.mode = 'ok';
    await w.until('the change at the receiver for the second integration', () => receiver.unique(b).some(updated));
    await caughtUp(b, 'the second integration caught up');
  });

  it('replay after downtime equals what the receiver missed, page by page, and is filtered by type', async () => {
    const last = receiver.unique(a).at(-1)!.id;
    receiver.mode = 'fail';
    const users = [change(6), change(7), change(8)];
    const missed = await w.until(
      'the changes published',
      () => replay(a, last, 2),
      (r) => users.every((u) => r.some((e) => e.type === 'user.updated' && e.data.graphId === u)),
    );
    // Events go on being written meanwhile (the runs' sync_run.finished): the one-page read may
    // reach further, and must begin with exactly what the paged one read.
    expect(ids(await replay(a, last, 500)).slice(0, missed.length)).to.deep.equal(
      ids(missed),
      'pages of 2 read the same as one page',
    );
    const onlyUpdates = (await w.h.call(`/api/v1/events?integrationId=${a}&after=${last}&type=user.updated`)).body
      .items as ReceivedEvent[];
    expect(ids(onlyUpdates)).to.deep.equal(ids(missed.filter((e) => e.type === 'user.updated')));
    receiver.mode = 'ok';
    await caughtUp(a, 'the receiver caught up after downtime');
    const received = receiver.unique(a);
    const since = received.findIndex((e) => e.id === last);
    expect(ids(received.slice(since + 1))).to.deep.equal(ids(await replay(a, last)));
    expect(ids(received.slice(since + 1)).slice(0, missed.length)).to.deep.equal(ids(missed));
  });

  it('GET /events names a bad cursor or type, and needs the bearer token', async () => {
    const bad = await w.h.call('/api/v1/events?after=no-such-event&type=user.renamed');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['query.type']);
    const unknown = await w.h.call('/api/v1/events?after=no-such-event');
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error.details).to.deep.equal([
      { field: 'query.after', message: 'names no event of the last 7 days (leave it out to read from the oldest)' },
    ]);
    expect((await w.h.call('/api/v1/events', { auth: false })).status).to.equal(401);
  });
});
