import type { Client } from '@microsoft/microsoft-graph-client';
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { graphFor, msalFor } from '../../support/graph-simulator-clients.js';

type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
const DAY = 86_400_000;

describe('graph-simulator: room calendars — series, per-room expiry, mailbox concurrency (real Graph client)', () => {
  let sim: GraphSimulator;
  let graph: Client;
  const start = new Date(Math.floor(Date.now() / DAY) * DAY - DAY).toISOString();
  const end = new Date(Math.floor(Date.now() / DAY) * DAY + 30 * DAY).toISOString();
  const first = (room: string) => `/users/${room}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;

  async function walk(url: string): Promise<{ items: Record<string, unknown>[]; deltaLink: string }> {
    const items: Record<string, unknown>[] = [];
    for (;;) {
      const p = (await graph.api(url).get()) as Page;
      items.push(...p.value);
      if (p['@odata.deltaLink']) return { items, deltaLink: p['@odata.deltaLink'] };
      url = p['@odata.nextLink']!;
    }
  }

  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 5, users: 10, rooms: 3, eventsPerRoom: 2 } });
    graph = graphFor(sim, msalFor(sim));
  });
  after(async () => {
    await sim.close();
  });

  it('a series shows as its occurrences (sharing the iCalUId, naming the master), never as the master; a moved one is an exception', async () => {
    const room = sim.listRooms()[0]!.emailAddress;
    const t0 = Math.floor(Date.now() / DAY) * DAY + DAY + 10 * 3_600_000;
    const { master, occurrences } = sim.bookSeries(room, {
      subject: 'Weekly',
      start: new Date(t0).toISOString(),
      end: new Date(t0 + 3_600_000).toISOString(),
      count: 4,
      intervalDays: 7,
    });
    const { items, deltaLink } = await walk(first(room));
    const series = items.filter((e) => e.seriesMasterId === master.id);
    expect(series.map((e) => e.type)).to.deep.equal(['occurrence', 'occurrence', 'occurrence', 'occurrence']);
    expect(new Set(series.map((e) => e.iCalUId))).to.deep.equal(new Set([master.iCalUId]));
    expect(items.some((e) => e.id === master.id)).to.equal(false);
    sim.moveEvent(occurrences[1]!.id, {
      start: new Date(t0 + 8 * DAY).toISOString(),
      end: new Date(t0 + 8 * DAY + 3_600_000).toISOString(),
    });
    const changed = await walk(deltaLink);
    expect(changed.items.map((e) => [e.id, e.type])).to.deep.equal([[occurrences[1]!.id, 'exception']]);
    sim.cancelEvent(master.id);
    const cancelled = await walk(changed.deltaLink);
    expect(new Set(cancelled.items.map((e) => e.id))).to.deep.equal(new Set(occurrences.map((o) => o.id)));
    expect(
      cancelled.items.every((e) => (e['@removed'] as { reason?: string } | undefined)?.reason === 'deleted'),
    ).to.equal(true);
  });

  it('private events say so (sensitivity), so a client can hide their subject', async () => {
    const room = sim.listRooms()[1]!.emailAddress;
    const t0 = Date.now() + DAY;
    const ev = sim.bookEvent(room, {
      subject: 'Secret',
      sensitivity: 'private',
      start: new Date(t0).toISOString(),
      end: new Date(t0 + 3_600_000).toISOString(),
    });
    const { items } = await walk(first(room));
    expect(items.find((e) => e.id === ev.id)).to.include({ sensitivity: 'private' });
  });

  it("expiring one room's delta tokens answers 410 for that room only", async () => {
    const [a, b] = sim.listRooms();
    const linkA = (await walk(first(a!.emailAddress))).deltaLink;
    const linkB = (await walk(first(b!.emailAddress))).deltaLink;
    sim.expireRoomDeltaTokens(a!.emailAddress);
    const err = await graph
      .api(linkA)
      .get()
      .then(
        () => null,
        (e: { statusCode: number }) => e,
      );
    expect(err?.statusCode).to.equal(410);
    expect((await walk(linkB)).items).to.deep.equal([]);
    expect((await walk(first(a!.emailAddress))).items.length).to.be.greaterThan(0);
  });

  it('more than 4 concurrent requests to one mailbox are answered 429 ApplicationThrottled; other mailboxes are not affected', async () => {
    const [a, b] = sim.listRooms();
    sim.addLatencyFault({ ms: 300, match: '/calendarView/delta' });
    try {
      sim.resetCounters();
      // The Graph client retries a 429 after its Retry-After, so the simulator's counters tell what it answered.
      await Promise.all([
        ...Array.from({ length: 6 }, () => graph.api(first(a!.id)).get()),
        graph.api(first(b!.id)).get(),
      ]);
      const throttled = sim.counters().filter((r) => r.route.includes('calendarView') && r.status === 429);
      expect(throttled.reduce((n, r) => n + r.count, 0)).to.be.at.least(2);
      expect(sim.mailboxPeaks()).to.deep.equal({ [a!.id.toLowerCase()]: 4, [b!.id.toLowerCase()]: 1 });
    } finally {
      sim.clearFaults();
    }
  });
});
