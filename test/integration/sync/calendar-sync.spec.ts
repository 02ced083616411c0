/**
 * Room calendars against the simulator, MySQL and Redis with in-process workers: a full load per
 * room over the window, delta rounds (booked, moved, cancelled), series occurrences, a 410 on one
 * room only, a failed page resumed from its checkpoint, the per-mailbox limit held, and the
 * rolling window's re-base and sweep.
 */
import { expect } from 'chai';
import { RoomBookingEntity, RoomRepository, SyncStateRepository } from '@ones-m365/shared/db';
import { bookingView } from '@ones-m365/shared/events';
import { requestSync, formatStreamKey } from '@ones-m365/shared/sync';
import { QUEUES } from '@ones-m365/shared/queue';
import { pollUntil } from '../../support/poll.js';
import { storedEvents } from '../../support/stored-events.js';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

const DAY = 86_400_000;

describe('room calendars (simulator, MySQL, Redis)', function () {
  this.timeout(90_000);
  let h: SyncHarness;
  let clock: { now: Date };

  beforeEach(async () => {
    clock = { now: new Date() };
    h = await startSyncHarness({ seed: { users: 20, rooms: 6, eventsPerRoom: 12, hiddenRoomShare: 0 }, clock });
  });
  afterEach(() => h.close());

  const rooms = async () =>
    (await new RoomRepository(h.db.ds).list(h.integration.id, { limit: 500, active: true })).items;
  const calendar = (roomId: string, mode: 'full' | 'delta' = 'delta') =>
    requestSync(h, {
      integrationId: h.integration.id,
      stream: formatStreamKey({ kind: 'calendar', roomId }),
      mode,
      trigger: 'api',
    });
  const bookingsOf = (roomId: string) => h.db.ds.getRepository(RoomBookingEntity).find({ where: { roomId } });
  const simEvents = (email: string) => h.sim.listEvents(email).filter((e) => e.type !== 'seriesMaster');
  const syncRooms = async () => {
    await requestSync(h, { integrationId: h.integration.id, stream: 'rooms', mode: 'full', trigger: 'api' });
    await h.idle();
  };

  it('after a rooms sync every synced room is loaded in full: one booking per event, in UTC, Graph requests = pages, at most 2 at once per mailbox', async () => {
    h.startWorkers({ calendarConcurrency: 4 });
    h.sim.resetCounters();
    await syncRooms();
    const synced = await rooms();
    expect(synced.length).to.equal(6);
    for (const room of synced) {
      const rows = await bookingsOf(room.id);
      const events = simEvents(room.email);
      expect(rows.map((r) => r.graphEventId).sort()).to.deep.equal(events.map((e) => e.id).sort());
      const ev = events[0]!;
      const row = rows.find((r) => r.graphEventId === ev.id)!;
      expect(row).to.include({
        subject: ev.subject,
        iCalUId: ev.iCalUId,
        status: 'confirmed',
        source: 'outlook',
        type: 'singleInstance',
      });
      expect(row.startAt.toISOString()).to.equal(ev.start);
      expect(row.organizerEmail).to.equal(ev.organizer.address.toLowerCase());
    }
    // 12 events per room at 50 per page: one page each.
    const calendarCalls = h.sim
      .counters()
      .filter((r) => r.route.includes('calendarView'))
      .reduce((n, r) => n + r.count, 0);
    expect(calendarCalls).to.equal(synced.length);
    const runs = (await h.runs()).filter((r) => r.stream.startsWith('calendar:'));
    expect(runs).to.have.length(6);
    expect(
      runs.every((r) => r.status === 'succeeded' && r.mode === 'full' && r.created === 12 && r.graphRequests === 1),
    ).to.equal(true);
    expect(Math.max(...Object.values(h.sim.mailboxPeaks()))).to.be.at.most(2);
  });

  it("a room's first load ends its run in its one page's commit: the bookings' events and the run's sync_run.finished are one insert", async () => {
    h.startWorkers();
    await syncRooms();
    const synced = await rooms();
    const events = await storedEvents(h.db.ds, h.integration.id);
    const runs = (await h.runs()).filter((r) => r.stream.startsWith('calendar:'));
    expect(runs).to.have.length(synced.length);
    for (const run of runs) {
      expect(run).to.include({ status: 'succeeded', mode: 'full', created: 12, graphRequests: 1 });
      const finished = events.filter((e) => e.type === 'sync_run.finished' && e.data.id === run.id);
      expect(finished, run.stream).to.have.length(1);
      expect(finished[0]!.data).to.deep.include({ status: 'succeeded', graphRequests: 1 });
      expect(finished[0]!.data.counts).to.include({ created: 12 });
      const roomId = run.stream.slice('calendar:'.length);
      const created = events.filter((e) => e.type === 'booking.created' && e.data.roomId === roomId);
      expect(created).to.have.length(12);
      expect(new Set([...created, ...finished].map((e) => e.batch)).size, run.stream).to.equal(1);
    }
  });

  it('the calendars queue runs twice as many jobs as CALENDAR_CONCURRENCY, and Graph never sees more calendar requests at once than that', async () => {
    h.sim.addLatencyFault({ ms: 40, match: '/calendarView' });
    h.startWorkers({ calendarConcurrency: 2 });
    h.sim.resetCounters();
    await syncRooms();
    const synced = await rooms();
    for (const room of synced) expect((await bookingsOf(room.id)).length).to.equal(simEvents(room.email).length);
    expect(h.sim.mailboxPeakAll()).to.be.within(1, 2);
    // Runs overlapping in time: more than the two lanes (one room written while the next is read).
    const runs = (await h.runs()).filter((r) => r.stream.startsWith('calendar:'));
    expect(runs).to.have.length(6);
    const edges = runs.flatMap((r) => [
      { at: r.startedAt.getTime(), d: 1 },
      { at: r.finishedAt!.getTime(), d: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.d - b.d);
    let open = 0;
    let most = 0;
    for (const e of edges) most = Math.max(most, (open += e.d));
    expect(most).to.be.within(3, 4);
  });

  it('delta: a booked, a moved, a private and a cancelled booking follow; a series shows its occurrences; cancelled rows stay', async () => {
    h.startWorkers();
    await syncRooms();
    const room = (await rooms())[0]!;
    const [moved, cancelled] = simEvents(room.email);
    const t0 = Math.floor(Date.now() / DAY) * DAY + 2 * DAY + 9 * 3_600_000;
    const booked = h.sim.bookEvent(room.email, {
      subject: 'Planning',
      start: new Date(t0).toISOString(),
      end: new Date(t0 + 3_600_000).toISOString(),
      organizer: { address: 'Ann@Example.com', name: 'Ann' },
    });
    const secret = h.sim.bookEvent(room.email, {
      subject: 'Offer talk',
      sensitivity: 'private',
      start: new Date(t0 + 2 * 3_600_000).toISOString(),
      end: new Date(t0 + 3 * 3_600_000).toISOString(),
    });
    const series = h.sim.bookSeries(room.email, {
      subject: 'Standup',
      start: new Date(t0 + DAY).toISOString(),
      end: new Date(t0 + DAY + 900_000).toISOString(),
      count: 5,
    });
    h.sim.moveEvent(moved!.id, {
      start: new Date(t0 + 5 * DAY).toISOString(),
      end: new Date(t0 + 5 * DAY + 1_800_000).toISOString(),
    });
    h.sim.cancelEvent(cancelled!.id);
    await calendar(room.id);
    await h.idle();
    const rows = new Map((await bookingsOf(room.id)).map((r) => [r.graphEventId, r]));
    expect(rows.get(booked.id)).to.include({
      subject: 'Planning',
      organizerEmail: 'ann@example.com',
      organizerName: 'Ann',
      status: 'confirmed',
    });
    expect(rows.get(secret.id)).to.include({ subject: null, status: 'confirmed' });
    expect(rows.get(moved!.id)!.startAt.getTime()).to.equal(t0 + 5 * DAY);
    expect(rows.get(cancelled!.id)).to.include({ status: 'cancelled' });
    const occurrences = [...rows.values()].filter((r) => r.seriesMasterId === series.master.id);
    expect(occurrences.map((r) => r.type)).to.deep.equal(Array(5).fill('occurrence'));
    expect(rows.has(series.master.id)).to.equal(false);
    expect(rows.size).to.equal(12 + 2 + 5);
    const [run] = await h.runs();
    expect(run).to.include({
      stream: `calendar:${room.id}`,
      mode: 'delta',
      status: 'succeeded',
      created: 7,
      deactivated: 1,
    });
    // Each booking's latest event shows its row as stored: created, moved and cancelled alike.
    const latest = new Map(
      (await storedEvents(h.db.ds, h.integration.id))
        .filter((e) => e.type.startsWith('booking.'))
        .map((e) => [e.data.id as string, e.data]),
    );
    for (const row of rows.values())
      expect(latest.get(row.id), row.graphEventId).to.deep.equal(
        JSON.parse(JSON.stringify(bookingView(row, room.email))),
      );
  });

  it('a 410 on one room reloads that room only, without duplicates; the other rooms go on by delta', async () => {
    h.startWorkers();
    await syncRooms();
    const [a, b] = await rooms();
    h.sim.expireRoomDeltaTokens(a!.email);
    h.sim.bookEvent(a!.email, {
      subject: 'New',
      start: new Date(Date.now() + DAY).toISOString(),
      end: new Date(Date.now() + DAY + 3_600_000).toISOString(),
    });
    await calendar(a!.id);
    await calendar(b!.id);
    await h.idle();
    const rowsA = await bookingsOf(a!.id);
    expect(rowsA.map((r) => r.graphEventId).sort()).to.deep.equal(
      simEvents(a!.email)
        .map((e) => e.id)
        .sort(),
    );
    const runs = await h.runs();
    const runA = runs.find((r) => r.stream === `calendar:${a!.id}`)!;
    const runB = runs.find((r) => r.stream === `calendar:${b!.id}`)!;
    expect(runA).to.include({ mode: 'full', status: 'succeeded', created: 1 });
    expect(runA.warnings!.join()).to.contain('delta state expired');
    expect(runB).to.include({ mode: 'delta', status: 'succeeded', created: 0 });
  });

  it('a 429 on one mailbox delays that room only: the others load meanwhile, and it loads once the mailbox answers, without duplicates', async () => {
    // Throttled from the start: the room's first calendar request already gets the 429.
    const throttledEmail = h.sim.listRooms()[0]!.emailAddress.toLowerCase();
    h.sim.addErrorFault({
      status: 429,
      retryAfterSeconds: 1,
      count: 1_000_000,
      match: `/users/${encodeURIComponent(throttledEmail)}/calendarView`,
    });
    h.startWorkers({ calendarConcurrency: 2 });
    await requestSync(h, { integrationId: h.integration.id, stream: 'rooms', mode: 'full', trigger: 'api' });
    await pollUntil('the rooms synced', rooms, (r) => r.length === 6);
    const synced = await rooms();
    const throttled = synced.find((r) => r.email === throttledEmail);
    const others = synced.filter((r) => r !== throttled);
    for (const room of others) {
      await pollUntil(
        `${room.email} loaded`,
        () => bookingsOf(room.id),
        (b) => b.length === 12,
      );
    }
    expect(await bookingsOf(throttled!.id)).to.have.length(0);
    const stream = formatStreamKey({ kind: 'calendar', roomId: throttled!.id });
    const [job] = (await h.producer.queue(QUEUES.calendars).getJobs(['delayed', 'active', 'waiting'])).filter(
      (j) => j.data.roomId === throttled!.id,
    );
    expect(job, 'the throttled room waits as a delayed job, not a failed one').to.not.equal(undefined);
    expect(job!.attemptsMade).to.equal(0);
    h.sim.clearFaults();
    await h.idle();
    const rows = await bookingsOf(throttled!.id);
    expect(rows.map((r) => r.graphEventId).sort()).to.deep.equal(
      simEvents(throttled!.email)
        .map((e) => e.id)
        .sort(),
    );
    const run = (await h.runs()).find((r) => r.stream === stream)!;
    expect(run).to.include({ status: 'succeeded', mode: 'full', created: 12 });
    expect(h.sim.requestCount({ status: 429 })).to.be.above(0);
  });

  it('a failed page is resumed from its checkpoint, not reloaded', async () => {
    // One calendar run at a time, 12 events at 3 per page: 4 pages a room; the second calendar request (the first room's second page) fails once.
    h.startWorkers({ calendarConcurrency: 1, calendarPageSize: 3 });
    h.sim.addErrorFault({ status: 500, count: 1, skip: 1, match: 'calendarView' });
    h.sim.resetCounters();
    await syncRooms();
    for (const room of await rooms()) expect((await bookingsOf(room.id)).length).to.equal(12);
    const calendarCalls = h.sim.counters().filter((r) => r.route.includes('calendarView'));
    const failed = calendarCalls.filter((r) => r.status === 500).reduce((n, r) => n + r.count, 0);
    const total = calendarCalls.reduce((n, r) => n + r.count, 0);
    expect(failed).to.equal(1);
    // 6 rooms × 4 pages, + the failed request: nothing read twice.
    expect(total).to.equal(6 * 4 + 1);
    const retried = (await h.runs()).filter((r) => r.stream.startsWith('calendar:') && r.graphRequests === 5);
    expect(retried).to.have.length(1);
    expect(retried[0]).to.include({ status: 'succeeded', created: 12 });
  });

  it('the window rolls: a re-base is a full round over the new window that drops what ended before it and cancels what it no longer sees', async () => {
    h.startWorkers();
    await syncRooms();
    const room = (await rooms())[0]!;
    const states = new SyncStateRepository(h.db.ds);
    const stream = formatStreamKey({ kind: 'calendar', roomId: room.id });
    const before = JSON.parse((await states.get(h.integration.id, stream))!.checkpoint!) as {
      marker: string;
      window: { start: string };
    };
    const early = simEvents(room.email).sort((x, y) => x.start.localeCompare(y.start))[0]!;
    // Three days later the earliest booking ended before the new window (1 day back).
    clock.now = new Date(Date.parse(early.end) + 2 * DAY + 1);
    await calendar(room.id);
    await h.idle();
    const after = JSON.parse((await states.get(h.integration.id, stream))!.checkpoint!) as {
      marker: string;
      window: { start: string };
    };
    expect(after.marker).to.not.equal(before.marker);
    expect(after.window.start).to.equal(new Date(clock.now.getTime() - DAY).toISOString());
    const rows = await bookingsOf(room.id);
    expect(rows.some((r) => r.graphEventId === early.id)).to.equal(false);
    const [run] = await h.runs();
    expect(run).to.include({ stream, mode: 'full', status: 'succeeded' });
  });
});
