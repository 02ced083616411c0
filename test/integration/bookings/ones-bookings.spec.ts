/**
 * Bookings made in ONES, end to end against the simulator: written to the organizer's calendar
 * (a synced user) with the room as a resource attendee, or to the room's own calendar; recognised
 * when the room's delta brings the copy back (one booking, source ones, never checked again);
 * 422 for the policy, 409 for conflicts in the mirror and at Graph's free/busy; PATCH moves it at
 * Graph, DELETE cancels it there; release declines the meeting as the room.
 */
import { expect } from 'chai';
import { RoomBookingEntity, type RoomEntity, type UserEntity } from '@ones-m365/shared/db';
import { startBookingHarness, type BookingHarness } from '../../support/booking-harness.js';
import { storedEvents } from '../../support/stored-events.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const MONDAY = (() => {
  const d = new Date(Math.floor(Date.now() / DAY) * DAY + 7 * DAY);
  return d.getTime() + ((8 - d.getUTCDay()) % 7) * DAY;
})();
const iso = (ms: number) => new Date(ms).toISOString();

describe('bookings made in ONES (simulator, MySQL, Redis, api)', function () {
  this.timeout(120_000);
  let b: BookingHarness;
  let rooms: RoomEntity[];
  let users: UserEntity[];
  let next = 0;
  const room = () => rooms[next++]!;

  before(async () => {
    b = await startBookingHarness({ users: 8, rooms: 12, eventsPerRoom: 0, hiddenRoomShare: 0 });
    rooms = (await b.rooms()).sort((x, y) => x.email.localeCompare(y.email));
    users = (await b.s.dbUsers()).filter((u) => u.active && u.mail).sort((x, y) => x.mail!.localeCompare(y.mail!));
  });
  after(() => b.close());

  const create = (json: Record<string, unknown>) => b.call(`${b.base}/bookings`, { json });
  const bookingsOf = async (roomId: string) =>
    (await b.call(`${b.base}/bookings?roomId=${roomId}`)).body.items as Record<string, any>[];

  it("a synced organizer's booking is their meeting in Outlook with the room booked; the room's copy comes back as the same one booking", async () => {
    const r = room();
    const organizer = users[0]!;
    const res = await create({
      roomId: r.id,
      subject: 'Quarterly review',
      start: iso(MONDAY + 10 * HOUR),
      end: iso(MONDAY + 11 * HOUR),
      organizerEmail: organizer.mail,
      attendees: ['guest@example.com'],
      body: 'Agenda attached',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ source: 'ones', status: 'confirmed', roomEmail: r.email, graphEventId: null });
    const mine = b.s.sim.listUserEvents(organizer.mail!);
    expect(mine).to.have.length(1);
    expect(mine[0]!.attendees.map((a) => [a.address, a.type])).to.deep.include.members([
      [r.email, 'resource'],
      ['guest@example.com', 'required'],
    ]);
    const copy = b.s.sim.listEvents(r.email);
    expect(copy).to.have.length(1);
    expect(copy[0]!.iCalUId).to.equal(res.body.iCalUId);
    // A stricter policy saved now: the copy arriving after it is recognised, never checked.
    await b.call(`${b.base}/booking-policy`, {
      method: 'PUT',
      json: { enabled: true, rules: { maxDurationMinutes: 15 } },
    });
    await b.syncRoom(r.id);
    const listed = await bookingsOf(r.id);
    expect(listed).to.have.length(1);
    expect(listed[0]).to.include({
      id: res.body.id,
      source: 'ones',
      status: 'confirmed',
      graphEventId: copy[0]!.id,
      policyViolation: null,
    });
    expect(b.s.sim.meetingMessages().filter((m) => m.kind === 'declined')).to.have.length(0);
    await b.call(`${b.base}/booking-policy`, { method: 'PUT', json: { enabled: false } });
  });

  it("without a synced organizer it is written to the room's own calendar, the organizer invited; PATCH moves it, DELETE cancels it at Graph", async () => {
    const r = room();
    const res = await create({
      roomEmail: r.email,
      subject: 'Visitor tour',
      start: iso(MONDAY + 9 * HOUR),
      end: iso(MONDAY + 10 * HOUR),
      organizerEmail: 'visitor@partner.example',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const [ev] = b.s.sim.listEvents(r.email);
    expect(ev!.organizer.address).to.equal(r.email);
    expect(ev!.attendees.map((a) => a.address)).to.include('visitor@partner.example');
    expect(res.body.graphEventId).to.equal(ev!.id);
    await b.syncRoom(r.id);
    expect(await bookingsOf(r.id)).to.have.length(1);

    const moved = await b.call(`${b.base}/bookings/${res.body.id}`, {
      method: 'PATCH',
      json: { start: iso(MONDAY + 14 * HOUR), end: iso(MONDAY + 15 * HOUR), subject: 'Visitor tour (moved)' },
    });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    expect(moved.body).to.include({ start: iso(MONDAY + 14 * HOUR), subject: 'Visitor tour (moved)' });
    expect(b.s.sim.getEvent(ev!.id).start).to.equal(iso(MONDAY + 14 * HOUR));
    await b.syncRoom(r.id);
    expect((await bookingsOf(r.id)).map((x) => [x.source, x.start])).to.deep.equal([['ones', iso(MONDAY + 14 * HOUR)]]);

    const del = await b.call(`${b.base}/bookings/${res.body.id}`, { method: 'DELETE' });
    expect(del.status).to.equal(204);
    expect(b.s.sim.getEvent(ev!.id)).to.include({ deleted: true });
    await b.syncRoom(r.id);
    expect((await bookingsOf(r.id)).map((x) => x.status)).to.deep.equal(['cancelled']);
  });

  it('422 names the broken rule (nothing written); 409 for a slot taken in the mirror, and for one only Graph knows yet', async () => {
    const r = room();
    await b.call(`${b.base}/booking-policy`, {
      method: 'PUT',
      json: { enabled: true, rules: { maxDurationMinutes: 60 } },
    });
    const tooLong = await create({
      roomId: r.id,
      subject: 'Workshop',
      start: iso(MONDAY + 9 * HOUR),
      end: iso(MONDAY + 12 * HOUR),
    });
    expect(tooLong.status).to.equal(422);
    expect(tooLong.body.error).to.deep.include({
      code: 'policy_violation',
      details: {
        rule: 'maxDurationMinutes',
        message: 'Bookings of this room may last at most 60 minutes; this one lasts 180 minutes.',
      },
    });
    expect(b.s.sim.listEvents(r.email)).to.have.length(0);

    const first = await create({
      roomId: r.id,
      subject: 'First',
      start: iso(MONDAY + 9 * HOUR),
      end: iso(MONDAY + 10 * HOUR),
    });
    expect(first.status).to.equal(201);
    const mirrored = await create({
      roomId: r.id,
      subject: 'Second',
      start: iso(MONDAY + 9 * HOUR + 30 * MIN),
      end: iso(MONDAY + 10 * HOUR + 30 * MIN),
    });
    expect(mirrored.status).to.equal(409);
    expect(mirrored.body.error.details.bookingId).to.equal(first.body.id);
    // Booked in Outlook a moment ago: not mirrored yet, but busy in the room's free/busy.
    b.s.sim.bookEvent(r.email, { subject: 'Outlook', start: iso(MONDAY + 13 * HOUR), end: iso(MONDAY + 14 * HOUR) });
    const atGraph = await create({
      roomId: r.id,
      subject: 'Third',
      start: iso(MONDAY + 13 * HOUR + 15 * MIN),
      end: iso(MONDAY + 13 * HOUR + 45 * MIN),
    });
    expect(atGraph.status).to.equal(409);
    expect(atGraph.body.error.message).to.match(/free\/busy/);
    const adjacent = await create({
      roomId: r.id,
      subject: 'Fourth',
      start: iso(MONDAY + 10 * HOUR),
      end: iso(MONDAY + 11 * HOUR),
    });
    expect(adjacent.status).to.equal(201);
    const unknown = await create({ roomId: 'no-such-room', subject: 'x', start: iso(MONDAY), end: iso(MONDAY + HOUR) });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.details[0].field).to.equal('body.roomId');
    const invalid = await create({ subject: '', start: 'tomorrow', end: iso(MONDAY) });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field).sort()).to.deep.equal([
      'body.roomId',
      'body.start',
      'body.subject',
    ]);
    await b.call(`${b.base}/booking-policy`, { method: 'PUT', json: { enabled: false } });
  });

  it('release: the room declines the meeting with the release message, the booking shows released and the room is free in Outlook', async () => {
    const r = room();
    const outlook = b.s.sim.bookEvent(r.email, {
      subject: 'Daily huddle',
      start: iso(MONDAY + 9 * HOUR),
      end: iso(MONDAY + 10 * HOUR),
      organizer: { address: users[1]!.mail! },
    });
    await b.syncRoom(r.id);
    const [booking] = await bookingsOf(r.id);
    const res = await b.call(`${b.base}/bookings/${booking!.id}/release`, { json: { reason: 'Checked at 09:15.' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ status: 'released' });
    const [msg] = b.s.sim.meetingMessages().filter((m) => m.eventId === outlook.id);
    expect(msg).to.include({ kind: 'declined', to: users[1]!.mail });
    expect(msg!.comment).to.match(/released because nobody checked in.*Checked at 09:15\./);
    expect(b.s.sim.getEvent(outlook.id).deleted).to.equal(true);
    await b.syncRoom(r.id);
    expect((await bookingsOf(r.id)).map((x) => x.status)).to.deep.equal(['released']);
    const again = await b.call(`${b.base}/bookings/${booking!.id}/release`, { json: {} });
    expect(again.status).to.equal(200);
    expect(b.s.sim.meetingMessages().filter((m) => m.eventId === outlook.id)).to.have.length(1);

    // A booking made in ONES for a synced organizer, released before the room's delta brought its copy.
    const ones = await create({
      roomId: r.id,
      subject: 'Made in ONES',
      start: iso(MONDAY + 11 * HOUR),
      end: iso(MONDAY + 12 * HOUR),
      organizerEmail: users[2]!.mail,
    });
    const released = await b.call(`${b.base}/bookings/${ones.body.id}/release`, { json: {} });
    expect(released.status, JSON.stringify(released.body)).to.equal(200);
    expect(released.body.status).to.equal('released');
    expect(b.s.sim.listEvents(r.email)).to.have.length(0);
    const cancelled = await b.call(`${b.base}/bookings/${booking!.id}`, { method: 'DELETE' });
    expect(cancelled.status).to.equal(422);
    expect(cancelled.body.error.code).to.equal('not_a_ones_booking');
    await b.syncRoom(r.id);
    const rows = await b.s.db.ds.getRepository(RoomBookingEntity).find({ where: { roomId: r.id } });
    expect(rows.map((x) => [x.source, x.status]).sort()).to.deep.equal([
      ['ones', 'released'],
      ['outlook', 'released'],
    ]);
    // Each change wrote its event with it: the release once, the ONES booking's life in order.
    const events = await storedEvents(b.s.db.ds, r.integrationId);
    const of = (id: string) => events.filter((e) => e.data.id === id).map((e) => [e.type, e.data.status]);
    expect(of(booking!.id)).to.deep.equal([
      ['booking.created', 'confirmed'],
      ['booking.released', 'released'],
    ]);
    expect(of(ones.body.id as string)[0]).to.deep.equal(['booking.created', 'confirmed']);
    expect(of(ones.body.id as string).at(-1)).to.deep.equal(['booking.released', 'released']);
  });
});
