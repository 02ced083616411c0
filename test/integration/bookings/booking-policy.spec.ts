/**
 * The booking policy against the simulator, MySQL and Redis, with the api over HTTP and in-process
 * workers: each rule (a booking breaking it is declined by the room once, with the policy's message
 * and the rule's sentence; one keeping it is not), a per-room override, audit mode, duplicate
 * runs (notifications) and two workers, a policy saved after a booking, and recheck with and
 * without dryRun.
 */
import { expect } from 'chai';
import {
  BookingDeclineEntity,
  RoomBookingEntity,
  type UserEntity,
  UserRepository,
  type RoomEntity,
} from '@ones-m365/shared/db';
import { formatStreamKey, requestSync } from '@ones-m365/shared/sync';
import { startBookingHarness, type BookingHarness } from '../../support/booking-harness.js';
import { storedEvents } from '../../support/stored-events.js';
import { pollUntil } from '../../support/poll.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A Monday at least a week ahead, 00:00 UTC. */
const MONDAY = (() => {
  const d = new Date(Math.floor(Date.now() / DAY) * DAY + 7 * DAY);
  return d.getTime() + ((8 - d.getUTCDay()) % 7) * DAY;
})();

describe('booking policy enforcement (simulator, MySQL, Redis, api)', function () {
  this.timeout(120_000);
  let b: BookingHarness;
  let rooms: RoomEntity[];
  let next = 0;
  let users: UserEntity[];
  const room = () => rooms[next++]!;

  before(async () => {
    b = await startBookingHarness({ users: 12, rooms: 22, eventsPerRoom: 0, hiddenRoomShare: 0 });
    rooms = (await b.rooms()).sort((x, y) => x.email.localeCompare(y.email));
    users = (await b.s.dbUsers()).filter((u) => u.active && u.mail).sort((x, y) => x.mail!.localeCompare(y.mail!));
  });
  after(() => b.close());

  const putPolicy = async (policy: Record<string, unknown>) => {
    const r = await b.call(`${b.base}/booking-policy`, { method: 'PUT', json: policy });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body;
  };
  const book = (
    r: RoomEntity,
    o: { at: number; minutes: number; organizer?: string; attendees?: string[]; subject?: string },
  ) =>
    b.s.sim.bookEvent(r.email, {
      subject: o.subject ?? 'Meeting',
      start: new Date(o.at).toISOString(),
      end: new Date(o.at + o.minutes * MIN).toISOString(),
      organizer: { address: o.organizer ?? users[0]!.mail! },
      ...(o.attendees ? { attendees: o.attendees.map((address) => ({ address })) } : {}),
    });
  const row = (graphEventId: string) =>
    b.s.db.ds.getRepository(RoomBookingEntity).findOneOrFail({ where: { graphEventId } });
  const declinesOf = (eventId: string) =>
    b.s.sim.meetingMessages().filter((m) => m.kind === 'declined' && m.eventId === eventId);

  type Case = {
    rule: string;
    rules: (r: RoomEntity) => Record<string, unknown>;
    /** Bookings made before the policy (they hold the room). */
    before?: (r: RoomEntity) => void;
    breaks: (r: RoomEntity) => string;
    keeps: (r: RoomEntity) => string;
    sentence: RegExp;
  };
  const cases: Case[] = [
    {
      rule: 'maxDurationMinutes',
      rules: () => ({ maxDurationMinutes: 60 }),
      breaks: (r) => book(r, { at: MONDAY + 10 * HOUR, minutes: 90 }).id,
      keeps: (r) => book(r, { at: MONDAY + 13 * HOUR, minutes: 60 }).id,
      sentence: /at most 60 minutes; this one lasts 90 minutes/,
    },
    {
      rule: 'minDurationMinutes',
      rules: () => ({ minDurationMinutes: 30 }),
      breaks: (r) => book(r, { at: MONDAY + 10 * HOUR, minutes: 15 }).id,
      keeps: (r) => book(r, { at: MONDAY + 13 * HOUR, minutes: 30 }).id,
      sentence: /at least 30 minutes; this one lasts 15 minutes/,
    },
    {
      rule: 'bookingWindowDays',
      rules: () => ({ bookingWindowDays: 30 }),
      breaks: (r) => book(r, { at: MONDAY + 35 * DAY + 10 * HOUR, minutes: 60 }).id,
      keeps: (r) => book(r, { at: MONDAY + 10 * HOUR, minutes: 60 }).id,
      sentence: /at most 30 days ahead/,
    },
    {
      rule: 'minNoticeMinutes',
      rules: () => ({ minNoticeMinutes: 120 }),
      breaks: (r) => book(r, { at: Date.now() + 60 * MIN, minutes: 30 }).id,
      keeps: (r) => book(r, { at: Date.now() + 5 * HOUR, minutes: 30 }).id,
      sentence: /at least 120 minutes before the meeting starts; this booking was made (59|60) minutes before/,
    },
    {
      rule: 'workingHours',
      rules: () => ({
        workingHours: {
          timeZone: 'Asia/Shanghai',
          days: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          start: '09:00',
          end: '18:00',
        },
      }),
      // 11:00 UTC is 19:00 in Shanghai; 02:00 UTC is 10:00.
      breaks: (r) => book(r, { at: MONDAY + 11 * HOUR, minutes: 60 }).id,
      keeps: (r) => book(r, { at: MONDAY + 2 * HOUR, minutes: 60 }).id,
      sentence: /Monday to Friday, 09:00–18:00 \(Asia\/Shanghai\); this booking is on Monday .*, 19:00–20:00/,
    },
    {
      rule: 'enforceCapacity',
      rules: () => ({ enforceCapacity: true }),
      breaks: (r) =>
        book(r, {
          at: MONDAY + 10 * HOUR,
          minutes: 60,
          attendees: Array.from({ length: r.capacity! }, (_, i) => `p${i}@example.com`),
        }).id,
      keeps: (r) =>
        book(r, {
          at: MONDAY + 13 * HOUR,
          minutes: 60,
          attendees: Array.from({ length: r.capacity! - 1 }, (_, i) => `p${i}@example.com`),
        }).id,
      sentence: /This room holds \d+ people; this meeting invites \d+/,
    },
    {
      rule: 'allowConflicts',
      rules: () => ({ allowConflicts: false }),
      before: (r) => void book(r, { at: MONDAY + 10 * HOUR, minutes: 60, subject: 'First' }),
      breaks: (r) => book(r, { at: MONDAY + 10 * HOUR + 30 * MIN, minutes: 60 }).id,
      keeps: (r) => book(r, { at: MONDAY + 11 * HOUR + 30 * MIN, minutes: 60 }).id,
      sentence: /already booked at that time \(10:00–11:00/,
    },
  ];

  for (const c of cases) {
    it(`${c.rule}: the booking breaking it is declined once with the rule's sentence; the one keeping it is not`, async () => {
      const r = room();
      c.before?.(r);
      await b.syncRoom(r.id);
      await putPolicy({ enabled: true, rules: c.rules(r), declineMessage: 'Room rules apply.' });
      const bad = c.breaks(r);
      const good = c.keeps(r);
      await b.syncRoom(r.id);
      const [declined] = declinesOf(bad);
      expect(declinesOf(bad)).to.have.length(1);
      expect(declined!.comment).to.match(new RegExp(`^Room rules apply\\. `));
      expect(declined!.comment).to.match(c.sentence);
      expect(await row(bad)).to.include({ status: 'declined' });
      expect(JSON.parse((await row(bad)).policyViolation!)).to.include({ rule: c.rule });
      expect(declinesOf(good)).to.have.length(0);
      expect(await row(good)).to.include({ status: 'confirmed', policyViolation: null });
      // The room's next run sees the decline (the meeting left the room's calendar): still declined, not again.
      await b.syncRoom(r.id);
      expect(declinesOf(bad)).to.have.length(1);
      expect(await row(bad)).to.include({ status: 'declined' });
      const listed = await b.call(`${b.base}/bookings?roomId=${r.id}&status=declined`);
      expect(listed.body.items.map((i: { graphEventId: string }) => i.graphEventId)).to.deep.equal([bad]);
      expect(listed.body.items[0].policyViolation.rule).to.equal(c.rule);
      // Its events, written with each change: created, the violation recorded, declined once.
      const events = (await storedEvents(b.s.db.ds, r.integrationId)).filter((e) => e.data.graphEventId === bad);
      expect(events.map((e) => e.type)).to.deep.equal(['booking.created', 'booking.updated', 'booking.declined']);
      expect(events[2]!.data).to.deep.include({ status: 'declined', roomEmail: r.email });
      expect(events[2]!.data.policyViolation.rule).to.equal(c.rule);
    });
  }

  it('allowedGroupIds: only members of the ONES groups may book; an organizer outside them is declined', async () => {
    const r = room();
    const group = (await b.call('/groups', { json: { name: `Facilities ${Date.now()}` } })).body as { id: string };
    const [member, outsider] = users;
    await new UserRepository(b.s.db.ds).addToGroups([member!.id], [group.id]);
    await putPolicy({ enabled: true, rules: { allowedGroupIds: [group.id] } });
    const good = book(r, { at: MONDAY + 10 * HOUR, minutes: 60, organizer: member!.mail! }).id;
    const bad = book(r, { at: MONDAY + 12 * HOUR, minutes: 60, organizer: outsider!.mail! }).id;
    const stranger = book(r, { at: MONDAY + 14 * HOUR, minutes: 60, organizer: 'someone@elsewhere.example' }).id;
    await b.syncRoom(r.id);
    expect(declinesOf(good)).to.have.length(0);
    expect(declinesOf(bad)).to.have.length(1);
    expect(declinesOf(bad)[0]!.comment).to.match(/Only members of Facilities \d+ may book this room/);
    expect(declinesOf(stranger)[0]!.comment).to.match(/is not a known ONES user/);
  });

  it('allowRecurring: a series is declined once, through its master; every occurrence shows declined', async () => {
    const r = room();
    await putPolicy({ enabled: true, rules: { allowRecurring: false } });
    const series = b.s.sim.bookSeries(r.email, {
      subject: 'Standup',
      start: new Date(MONDAY + 9 * HOUR).toISOString(),
      end: new Date(MONDAY + 9 * HOUR + 15 * MIN).toISOString(),
      count: 4,
      organizer: { address: users[0]!.mail! },
    });
    const single = book(r, { at: MONDAY + 15 * HOUR, minutes: 30 }).id;
    await b.syncRoom(r.id);
    expect(declinesOf(series.master.id)).to.have.length(1);
    expect(declinesOf(series.master.id)[0]!.comment).to.match(/Recurring meetings cannot be booked in this room/);
    for (const o of series.occurrences) expect(await row(o.id)).to.include({ status: 'declined' });
    expect(declinesOf(single)).to.have.length(0);
  });

  it('maxRecurrenceDays: a series reaching past the horizon is declined; a shorter one is not', async () => {
    const r = room();
    await putPolicy({ enabled: true, rules: { maxRecurrenceDays: 10 } });
    const at = Date.now() + DAY;
    const long = b.s.sim.bookSeries(r.email, {
      start: new Date(at).toISOString(),
      end: new Date(at + HOUR).toISOString(),
      count: 20,
    });
    const short = b.s.sim.bookSeries(r.email, {
      start: new Date(at + 2 * HOUR).toISOString(),
      end: new Date(at + 3 * HOUR).toISOString(),
      count: 5,
    });
    await b.syncRoom(r.id);
    expect(declinesOf(long.master.id)).to.have.length(1);
    expect(declinesOf(long.master.id)[0]!.comment).to.match(/must end within 10 days; this series ends on/);
    expect(declinesOf(short.master.id)).to.have.length(0);
  });

  it("a room's override: its own limit applies there, another room keeps the integration's; a room can switch it off", async () => {
    const [a, big, off] = [room(), room(), room()];
    await putPolicy({
      enabled: true,
      rules: { maxDurationMinutes: 60 },
      roomOverrides: { [big.email]: { rules: { maxDurationMinutes: 240 } }, [off.email]: { enabled: false } },
    });
    const inA = book(a, { at: MONDAY + 10 * HOUR, minutes: 120 }).id;
    const inBig = book(big, { at: MONDAY + 10 * HOUR, minutes: 120 }).id;
    const inOff = book(off, { at: MONDAY + 10 * HOUR, minutes: 600 }).id;
    await Promise.all([b.syncRoom(a.id), b.syncRoom(big.id), b.syncRoom(off.id)]);
    expect(declinesOf(inA)).to.have.length(1);
    expect(declinesOf(inBig)).to.have.length(0);
    expect(declinesOf(inOff)).to.have.length(0);
  });

  it('audit mode records the violation and declines nothing', async () => {
    const r = room();
    await putPolicy({ enabled: true, mode: 'audit', rules: { maxDurationMinutes: 30 } });
    const ev = book(r, { at: MONDAY + 10 * HOUR, minutes: 60 }).id;
    await b.syncRoom(r.id);
    expect(declinesOf(ev)).to.have.length(0);
    const stored = await row(ev);
    expect(stored.status).to.equal('confirmed');
    expect(JSON.parse(stored.policyViolation!)).to.deep.equal({
      rule: 'maxDurationMinutes',
      message: 'Bookings of this room may last at most 30 minutes; this one lasts 60 minutes.',
    });
    const events = (await storedEvents(b.s.db.ds, r.integrationId)).filter((e) => e.data.graphEventId === ev);
    expect(events.map((e) => [e.type, e.data.status, e.data.policyViolation?.rule ?? null])).to.deep.equal([
      ['booking.created', 'confirmed', null],
      ['booking.updated', 'confirmed', 'maxDurationMinutes'],
    ]);
  });

  it('duplicate notifications and a second worker: the same version is declined once', async () => {
    const r = room();
    await putPolicy({ enabled: true, rules: { maxDurationMinutes: 30 } });
    const ev = book(r, { at: MONDAY + 10 * HOUR, minutes: 60 }).id;
    b.s.sim.resetCounters();
    const second = b.s.startWorkers({ calendarConcurrency: 4 });
    const stream = formatStreamKey({ kind: 'calendar', roomId: r.id });
    // Three notifications for one change, and a full run on top.
    await Promise.all([
      ...[1, 2, 3].map(() =>
        requestSync(b.s, { integrationId: b.s.integration.id, stream, mode: 'delta', trigger: 'webhook' }),
      ),
      requestSync(b.s, { integrationId: b.s.integration.id, stream, mode: 'full', trigger: 'api' }),
    ]);
    await b.s.idle();
    await b.syncRoom(r.id);
    await second.close();
    expect(declinesOf(ev)).to.have.length(1);
    const declineCalls = b.s.sim
      .counters()
      .filter((c) => c.route.endsWith('/decline') && c.method === 'POST')
      .reduce((n, c) => n + c.count, 0);
    // One POST …/decline: the version was recorded before the call, so no run sent it again.
    expect(declineCalls).to.equal(1);
  });

  it('a 429 on decline is retried later by the decline job (Retry-After), and the booking is declined once; a 404 is recorded', async () => {
    const r = room();
    await putPolicy({ enabled: true, rules: { maxDurationMinutes: 30 } });
    b.s.sim.addErrorFault({ status: 429, retryAfterSeconds: 1, count: 1, match: '/decline' });
    const ev = book(r, { at: MONDAY + 10 * HOUR, minutes: 60 }).id;
    await b.syncRoom(r.id);
    await pollUntil(
      'the decline after Retry-After',
      async () => (await row(ev)).status,
      (st) => st === 'declined',
      { timeoutMs: 30_000 },
    );
    expect(declinesOf(ev)).to.have.length(1);
    const gone = book(r, { at: MONDAY + 12 * HOUR, minutes: 60 }).id;
    b.s.sim.addErrorFault({ status: 404, count: 1, match: '/decline' });
    await b.syncRoom(r.id);
    const decline = await b.s.db.ds
      .getRepository(BookingDeclineEntity)
      .findOneOrFail({ where: { graphEventId: gone } });
    expect(decline).to.include({ status: 'not_found', reason: 'policy', rule: 'maxDurationMinutes' });
    expect(declinesOf(gone)).to.have.length(0);
  });

  it('a policy saved after a booking is not applied to it (until a recheck); a booking changed afterwards is checked', async () => {
    const r = room();
    await putPolicy({ enabled: false });
    const early = book(r, { at: MONDAY + 10 * HOUR, minutes: 120 }).id;
    const moved = book(r, { at: MONDAY + 13 * HOUR, minutes: 30 }).id;
    await b.syncRoom(r.id);
    await putPolicy({ enabled: true, rules: { maxDurationMinutes: 60 } });
    b.s.sim.moveEvent(moved, { end: new Date(MONDAY + 15 * HOUR).toISOString() });
    b.s.sim.moveEvent(early, { subject: 'Renamed only' });
    await b.syncRoom(r.id);
    expect(declinesOf(early)).to.have.length(0);
    expect(declinesOf(moved)).to.have.length(1);
  });

  it('recheck: dryRun lists what it would decline and declines nothing; then it declines it, once', async () => {
    const r = room();
    await putPolicy({ enabled: false, rules: {} });
    const long = book(r, { at: MONDAY + 10 * HOUR, minutes: 180, subject: 'Offsite' }).id;
    const fine = book(r, { at: MONDAY + 14 * HOUR, minutes: 30 }).id;
    await b.syncRoom(r.id);
    await putPolicy({ enabled: true, rules: { maxDurationMinutes: 60 } });
    const runRecheck = async (json: Record<string, unknown>) => {
      const res = await b.call(`${b.base}/booking-policy/recheck`, { json });
      expect(res.status).to.equal(202);
      const job = await pollUntil(
        'the recheck job',
        async () => (await b.call(`/jobs/${res.body.jobId}`)).body,
        (j: { state: string; failedReason?: string; result?: unknown }) =>
          j.state === 'completed' || j.state === 'failed',
        { timeoutMs: 60_000 },
      );
      expect(job.state, job.failedReason).to.equal('completed');
      return job.result as {
        dryRun: boolean;
        items: { bookingId: string; rule: string; outcome: string; subject: string }[];
      };
    };
    const dry = await runRecheck({
      dryRun: true,
      from: new Date(MONDAY).toISOString(),
      to: new Date(MONDAY + DAY).toISOString(),
    });
    const mine = dry.items.filter((i) => i.subject === 'Offsite');
    expect(mine).to.have.length(1);
    expect(mine[0]).to.include({
      rule: 'maxDurationMinutes',
      outcome: 'would_decline',
      bookingId: (await row(long)).id,
    });
    expect(declinesOf(long)).to.have.length(0);
    const real = await runRecheck({ from: new Date(MONDAY).toISOString(), to: new Date(MONDAY + DAY).toISOString() });
    expect(real.items.filter((i) => i.subject === 'Offsite').map((i) => i.outcome)).to.deep.equal(['declined']);
    expect(declinesOf(long)).to.have.length(1);
    expect(await row(long)).to.include({ status: 'declined' });
    expect(declinesOf(fine)).to.have.length(0);
    await runRecheck({});
    expect(declinesOf(long)).to.have.length(1);
  });

  it('PUT: 400 names each bad field; 422 names unknown groups and rooms; GET answers the stored policy', async () => {
    const bad = await b.call(`${b.base}/booking-policy`, {
      method: 'PUT',
      json: {
        enabled: true,
        rules: {
          maxDurationMinutes: -1,
          workingHours: { timeZone: 'Nowhere/Land', days: ['monday'], start: '25:00', end: '18:00' },
        },
      },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).to.deep.equal([
      'body.rules.maxDurationMinutes',
      'body.rules.workingHours.start',
      'body.rules.workingHours.timeZone',
    ]);
    const unknown = await b.call(`${b.base}/booking-policy`, {
      method: 'PUT',
      json: {
        enabled: true,
        rules: { allowedGroupIds: ['no-such-group'] },
        roomOverrides: { 'nope@contoso.com': { enabled: false } },
      },
    });
    expect(unknown.status).to.equal(422);
    expect(unknown.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal([
      'body.rules.allowedGroupIds.0',
      'body.roomOverrides.nope@contoso.com',
    ]);
    const saved = await putPolicy({ enabled: true, mode: 'audit', rules: { minNoticeMinutes: 15 } });
    const got = await b.call(`${b.base}/booking-policy`);
    expect(got.body).to.deep.equal(saved);
    expect(got.body).to.include({ enabled: true, mode: 'audit' });
  });
});
