/**
 * Room calendars' change notifications against the simulator (api + worker running, HTTPS Graph,
 * real Redis and MySQL): one `/users/{room}/events` subscription per synced room with a
 * clientState of its own, notifications coalesced per room into that room's delta run, a room
 * deselected (its subscription deleted at Graph, its bookings kept), Graph's answered expiry
 * stored, and disable deleting them all.
 */
import { expect } from 'chai';
import { RoomRepository, type GraphSubscriptionEntity } from '@ones-m365/shared/db';
import { QUEUES } from '@ones-m365/shared/queue';
import { queueIdle } from '../../support/poll.js';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('webhooks: room calendar subscriptions (simulator)', function () {
  this.timeout(120_000);
  let w: WebhookHarness;
  let id: string;
  let rooms: { id: string; email: string }[];
  let slot = 0;

  /** A free hour in the window, a few days ahead (each call a new one). */
  const nextSlot = () => {
    const start = Math.floor(Date.now() / DAY) * DAY + 3 * DAY + 6 * HOUR + slot++ * HOUR;
    return { start: new Date(start).toISOString(), end: new Date(start + HOUR / 2).toISOString() };
  };
  const rows = () => w.subscriptions.listForIntegration(id);
  const calendarRows = async () => (await rows()).filter((r) => r.stream.startsWith('calendar:'));
  const allActive = (n: number) => (r: GraphSubscriptionEntity[]) =>
    r.length === n && r.every((x) => x.status === 'active');
  const idle = async () => {
    await w.syncIdle();
    await queueIdle(w.producer.queue(QUEUES.calendars), 30_000);
  };
  const bookings = async (roomId: string) => {
    const r = await w.h.call(`/api/v1/integrations/${id}/bookings?roomId=${roomId}&limit=500`);
    expect(r.status).to.equal(200);
    return r.body.items as { id: string; graphEventId?: string; subject: string | null; status: string }[];
  };

  before(async () => {
    w = await startWebhookHarness({ seed: { rooms: 3, eventsPerRoom: 4, hiddenRoomShare: 0 } });
    id = await w.create();
    await w.enable(id);
    await idle();
    rooms = await new RoomRepository(w.h.db.ds).activeIds(id);
    expect(rooms).to.have.length(3);
    await w.until('/users and one subscription per room', rows, allActive(1 + rooms.length));
  });
  after(async () => w?.close());

  it('one /users/{room}/events subscription per synced room, each with its own clientState, listed by GET …/subscriptions', async () => {
    const cal = await calendarRows();
    expect(cal.map((r) => r.stream).sort()).to.deep.equal(rooms.map((r) => `calendar:${r.id}`).sort());
    for (const r of cal) {
      const room = rooms.find((x) => `calendar:${x.id}` === r.stream)!;
      expect(r.resource).to.equal(`/users/${room.email}/events`);
      expect(r.changeType).to.equal('created,updated,deleted');
      // Outlook resources live under 7 days; what Graph answered is what is stored.
      expect(r.expiresAt.getTime()).to.be.below(Date.now() + 7 * DAY);
      const atGraph = w.sim.listSubscriptions(w.sim.tenantId).find((s) => s.id === r.graphSubscriptionId)!;
      expect(r.expiresAt.getTime()).to.equal(Date.parse(String(atGraph.expirationDateTime)));
    }
    expect(new Set(cal.map((r) => r.clientStateHash)).size).to.equal(cal.length);
    const listed = await w.h.call(`/api/v1/integrations/${id}/subscriptions`);
    expect(listed.status).to.equal(200);
    expect((listed.body.items as { resource: string }[]).map((s) => s.resource).sort()).to.deep.equal(
      ['/users', ...rooms.map((r) => `/users/${r.email}/events`)].sort(),
    );
  });

  it('an Outlook booking, a move and a cancellation show in GET …/bookings through the room’s notification, only that room runs', async () => {
    const [room, other] = rooms;
    const since = Date.now();
    const booked = w.sim.bookEvent(room!.email, { subject: 'Design review', ...nextSlot() });
    await w.until(
      'the booking in the API',
      () => bookings(room!.id),
      (b) => b.some((x) => x.subject === 'Design review' && x.status === 'confirmed'),
    );
    const moved = nextSlot();
    w.sim.moveEvent(booked.id, moved);
    await w.until(
      'the move in the API',
      () => bookings(room!.id),
      (b) => b.some((x) => x.subject === 'Design review' && (x as { start?: string }).start === moved.start),
    );
    w.sim.cancelEvent(booked.id);
    await w.until(
      'the cancellation in the API',
      () => bookings(room!.id),
      (b) => b.some((x) => x.subject === 'Design review' && x.status === 'cancelled'),
    );
    await idle();
    expect(await w.webhookCalendarJobs(id, room!.id, since)).to.be.at.least(1);
    expect(await w.webhookCalendarJobs(id, other!.id, since)).to.equal(0);
    expect(await w.webhookDeltaJobs(id, since)).to.equal(0);
  });

  it('a burst of 100 notifications on one room is at most 2 delta runs of that room, and all 100 bookings arrive', async () => {
    const room = rooms[1]!;
    await idle();
    const before = (await bookings(room.id)).length;
    w.sim.clearNotifications();
    const delivered = () =>
      w.sim
        .notifications()
        .filter((d) => d.kind === 'change' && d.outcome === 'delivered')
        .reduce((n, d) => n + d.value.length, 0);
    const since = Date.now();
    for (let i = 0; i < 100; i++) w.sim.bookEvent(room.email, { subject: `Burst ${i}`, ...nextSlot() });
    await w.until('all 100 notifications delivered', delivered, (n) => n >= 100);
    await w.until(
      'the 100 bookings in the API',
      () => bookings(room.id),
      (b) => b.length === before + 100,
    );
    await idle();
    expect(await w.webhookCalendarJobs(id, room.id, since)).to.be.within(1, 2);
  });

  it('a room deselected: its subscription is deleted at Graph, its bookings stay; selected again, it is subscribed again', async () => {
    const [gone, ...kept] = rooms;
    const keptBookings = (await bookings(gone!.id)).length;
    expect(keptBookings).to.be.above(0);
    const oldSub = (await calendarRows()).find((r) => r.stream === `calendar:${gone!.id}`)!;
    const r = await w.h.call(`/api/v1/integrations/${id}/room-settings`, {
      method: 'PUT',
      json: { mode: 'selected', roomEmails: kept.map((k) => k.email) },
    });
    expect(r.status).to.equal(200);
    await w.until('the deselected room unsubscribed', calendarRows, (x) => x.length === kept.length);
    expect((await calendarRows()).map((x) => x.stream).sort()).to.deep.equal(
      kept.map((k) => `calendar:${k.id}`).sort(),
    );
    expect(w.sim.listSubscriptions(w.sim.tenantId).map((s) => s.id)).to.not.include(oldSub.graphSubscriptionId);
    const rowsKept = await w.h.db.ds.query('SELECT COUNT(*) AS n FROM room_bookings WHERE room_id = ?', [gone!.id]);
    expect(Number(rowsKept[0].n)).to.equal(keptBookings);

    const back = await w.h.call(`/api/v1/integrations/${id}/room-settings`, { method: 'PUT', json: { mode: 'all' } });
    expect(back.status).to.equal(200);
    await w.until('subscribed again', calendarRows, allActive(rooms.length));
    await idle();
  });

  it('lifecycle subscriptionRemoved on a room → that room is subscribed again and its calendar runs a delta', async () => {
    const room = rooms[2]!;
    const row = (await calendarRows()).find((r) => r.stream === `calendar:${room.id}`)!;
    const since = Date.now();
    w.sim.fireLifecycle(row.graphSubscriptionId, 'subscriptionRemoved');
    await w.until('a new subscription for the room', calendarRows, (x) =>
      x.some((r) => r.stream === `calendar:${room.id}` && r.graphSubscriptionId !== row.graphSubscriptionId),
    );
    await w.until(
      "the room's delta run",
      () => w.webhookCalendarJobs(id, room.id, since),
      (n) => n > 0,
    );
    await idle();
  });

  it('disable deletes every subscription at Graph, rooms’ included', async () => {
    const r = await w.h.call(`/api/v1/integrations/${id}/disable`, { method: 'POST' });
    expect(r.status).to.equal(202);
    await w.until('no subscriptions', rows, (x) => x.length === 0);
    expect(w.sim.listSubscriptions(w.sim.tenantId)).to.have.length(0);
  });
});
