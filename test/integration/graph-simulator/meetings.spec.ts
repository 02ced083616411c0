/**
 * What bookings made in ONES and the booking policy use of Graph, through the service's own typed
 * client against the simulator: a meeting written to the organizer's calendar with the room as a
 * resource attendee lands in the room's calendar (shared iCalUId, the extended property only on the
 * organizer's copy), a retried create with the same transactionId is one event, moving and
 * cancelling follow into the room, free/busy, a series master's range and instances, and a
 * master's decline declining every occurrence.
 */
import { expect } from 'chai';
import {
  createGraphClient,
  GraphNotFoundError,
  GraphRequestError,
  ONES_BOOKING_PROPERTY,
  type GraphConnection,
} from '@ones-m365/shared/graph';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { trustCa } from '../../support/graph-simulator-clients.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('graph-simulator: meetings written by the app, free/busy, series masters (typed client)', () => {
  let sim: GraphSimulator;
  let conn: GraphConnection;
  const graph = createGraphClient({ retryDelaySeconds: 0.05, maxRetryAfterMs: 0 });
  let room: string;
  let user: string;
  const t0 = Math.floor(Date.now() / DAY) * DAY + 20 * DAY + 9 * HOUR;

  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 9, users: 10, rooms: 2, eventsPerRoom: 0 } });
    trustCa(sim.caCertPem);
    conn = {
      id: 'meetings',
      cloud: 'global',
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      endpoints: { login: sim.loginUrl, graph: sim.graphUrl },
    };
    room = sim.listRooms()[0]!.emailAddress;
    user = String(sim.listUsers({ limit: 1 })[0]!.props.mail);
  });
  after(() => sim.close());

  it("the organizer's meeting reaches the room's calendar; a retried create is one event; move and cancel follow", async () => {
    const input = {
      subject: 'Design review',
      body: 'Agenda',
      start: new Date(t0),
      end: new Date(t0 + HOUR),
      room: { email: room, name: 'Room', asAttendee: true },
      attendees: ['guest@example.com'],
      bookingId: 'b-1',
    };
    const created = await graph.createEvent(conn, user, input);
    const again = await graph.createEvent(conn, user, input);
    expect(again.id).to.equal(created.id);
    expect(created.organizer?.address?.toLowerCase()).to.equal(user.toLowerCase());
    const copies = await graph.eventsByICalUId(conn, room, created.iCalUId!);
    expect(copies).to.have.length(1);
    expect(copies[0]!.id).to.not.equal(created.id);
    expect(copies[0]!).to.include({ start: new Date(t0).toISOString(), subject: 'Design review' });
    expect(copies[0]!.attendees.map((a) => a.address)).to.include('guest@example.com');
    // The tag is on the copy written, not on the room's.
    expect(sim.getEvent(created.id).extendedProperties).to.deep.equal({ [ONES_BOOKING_PROPERTY]: 'b-1' });
    expect(sim.getEvent(copies[0]!.id).extendedProperties).to.equal(undefined);

    const busy = await graph.getSchedule(conn, room, { start: new Date(t0 - HOUR), end: new Date(t0 + 2 * HOUR) });
    expect(busy).to.deep.equal([
      { status: 'busy', start: new Date(t0).toISOString(), end: new Date(t0 + HOUR).toISOString() },
    ]);

    const moved = await graph.updateEvent(conn, user, created.id, {
      start: new Date(t0 + 2 * HOUR),
      end: new Date(t0 + 3 * HOUR),
      room: input.room,
    });
    expect(moved.changeKey).to.not.equal(created.changeKey);
    expect(sim.getEvent(copies[0]!.id).start).to.equal(new Date(t0 + 2 * HOUR).toISOString());

    await graph.cancelEvent(conn, user, created.id, 'Cancelled in ONES.');
    expect(sim.getEvent(copies[0]!.id)).to.include({ deleted: true, isCancelled: true });
    expect(await graph.getSchedule(conn, room, { start: new Date(t0), end: new Date(t0 + 4 * HOUR) })).to.deep.equal(
      [],
    );
    expect(sim.meetingMessages().at(-1)).to.include({ kind: 'cancelled', to: room, comment: 'Cancelled in ONES.' });
  });

  it("an event in the room's own calendar: the room organizes it, cannot decline it, can cancel it", async () => {
    const ev = await graph.createEvent(conn, room, {
      subject: 'Walk-in',
      start: new Date(t0 + DAY),
      end: new Date(t0 + DAY + HOUR),
      room: { email: room, name: 'Room', asAttendee: false },
      attendees: ['visitor@example.com'],
      bookingId: 'b-2',
    });
    expect(ev.organizer?.address).to.equal(room);
    const err = await graph.declineEvent(conn, room, ev.id, 'x').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(GraphRequestError);
    await graph.cancelEvent(conn, room, ev.id, 'Released');
    const gone = await graph.getEvent(conn, room, ev.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(gone).to.be.instanceOf(GraphNotFoundError);
  });

  it('a series master shows its range; instances reach past a date; declining the master declines each occurrence once', async () => {
    const { master, occurrences } = sim.bookSeries(room, {
      subject: 'Daily',
      start: new Date(t0 + 2 * DAY).toISOString(),
      end: new Date(t0 + 2 * DAY + HOUR).toISOString(),
      count: 5,
    });
    const m = await graph.getEvent(conn, room, master.id);
    expect(m.recurrence).to.deep.equal({
      type: 'numbered',
      endDate: null,
      numberOfOccurrences: 5,
      recurrenceTimeZone: 'UTC',
    });
    const after3 = await graph.seriesInstances(conn, room, master.id, {
      start: new Date(t0 + 5 * DAY),
      end: new Date(t0 + 400 * DAY),
    });
    expect(after3.map((e) => e.id)).to.deep.equal([occurrences[3]!.id]);
    await graph.declineEvent(conn, room, master.id, 'No recurring meetings here.');
    for (const o of occurrences) expect(sim.getEvent(o.id)).to.include({ deleted: true, roomResponse: 'declined' });
    const second = await graph.declineEvent(conn, room, master.id, 'again').then(
      () => null,
      (e: unknown) => e,
    );
    expect(second).to.be.instanceOf(GraphNotFoundError);
    const open = sim.bookSeries(room, {
      start: new Date(t0 + 3 * DAY).toISOString(),
      end: new Date(t0 + 3 * DAY + HOUR).toISOString(),
      count: 3,
      noEnd: true,
    });
    expect((await graph.getEvent(conn, room, open.master.id)).recurrence?.type).to.equal('noEnd');
  });
});
