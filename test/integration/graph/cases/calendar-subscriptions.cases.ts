import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphSimulator } from '@ones-m365/graph-simulator';
import {
  createGraphClient,
  createRequestCounter,
  GraphConflictError,
  GraphNotFoundError,
  type EventsDeltaPage,
  type GraphClient,
  type GraphConnection,
} from '../../../../shared/graph/index.js';
import { rejectionOf, simConnection, startSim } from './sim-support.js';

const DAY = 86_400_000;

async function calendarRound(
  graph: GraphClient,
  conn: GraphConnection,
  room: string,
  first: { start: Date; end: Date } | { link: string },
) {
  const pages: EventsDeltaPage[] = [];
  let req: { start: Date; end: Date } | { link: string } = first;
  for (;;) {
    const page = await graph.calendarViewDelta(conn, room, req, 5);
    pages.push(page);
    if (page.deltaLink) return { pages, deltaLink: page.deltaLink };
    if (!page.nextLink) throw new Error('calendar page without nextLink or deltaLink');
    req = { link: page.nextLink };
  }
}

/** A webhook endpoint that answers Graph's validation handshake. */
function validationServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    req.resume();
    if (token !== null) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      return;
    }
    res.writeHead(202).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/graph` }),
    ),
  );
}

describe('graph client ↔ simulator: room calendars and subscriptions', () => {
  let sim: GraphSimulator;
  let graph: GraphClient;
  let conn: GraphConnection;
  let hook: { server: Server; url: string };
  let roomEmail: string;

  before(async () => {
    sim = await startSim({ seed: { seed: 21, users: 10, rooms: 3, eventsPerRoom: 12 } });
    graph = createGraphClient();
    conn = simConnection(sim);
    hook = await validationServer();
    roomEmail = sim.listRooms()[0]!.emailAddress;
  });
  after(async () => {
    await sim.close();
    await new Promise((r) => hook.server.close(r));
  });

  it('pages calendarView delta with Prefer: odata.maxpagesize, then sees a new booking and a cancellation', async () => {
    const window = { start: new Date(Date.now() - DAY), end: new Date(Date.now() + 180 * DAY) };
    const expected = sim.listEvents(roomEmail).length;
    const full = await calendarRound(graph, conn, roomEmail, window);
    const events = full.pages.flatMap((p) => p.events);
    expect(full.pages.length).to.be.greaterThan(1);
    expect(full.pages.every((p) => p.events.length + p.removed.length <= 5)).to.equal(true);
    expect(events.length).to.be.at.most(expected);
    expect(events.every((e) => e.start !== null && e.start.endsWith('Z'))).to.equal(true);

    const start = new Date(Date.now() + 2 * DAY);
    const booked = sim.bookEvent(roomEmail, {
      subject: 'Integration booking',
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      organizer: { address: `someone@${sim.tenantInfo().domain}` },
    });
    const afterBooking = await calendarRound(graph, conn, roomEmail, { link: full.deltaLink });
    const seen = afterBooking.pages.flatMap((p) => p.events).find((e) => e.subject === 'Integration booking');
    expect(seen?.start).to.equal(new Date(booked.start).toISOString());

    sim.cancelEvent(booked.id);
    const afterCancel = await calendarRound(graph, conn, roomEmail, { link: afterBooking.deltaLink });
    const ids = [
      ...afterCancel.pages.flatMap((p) => p.removed.map((r) => r.id)),
      ...afterCancel.pages.flatMap((p) => p.events.filter((e) => e.isCancelled).map((e) => e.id)),
    ];
    expect(ids).to.include(seen!.id);
  });

  it('declines an event as the room with the reason', async () => {
    const [probe] = await graph.listEvents(conn, roomEmail, { top: 1 });
    expect(probe).to.not.equal(undefined);
    await graph.declineEvent(conn, roomEmail, probe!.id, 'Outside booking hours');
    const ev = sim.getEvent(probe!.id);
    expect(ev.roomResponse).to.equal('declined');
    expect(ev.declineComment).to.equal('Outside booking hours');
  });

  it('creates, reads, lists, renews, reauthorizes and deletes a /users subscription; a duplicate gives 409', async () => {
    const input = {
      changeType: ['updated', 'deleted'] as ('updated' | 'deleted')[],
      notificationUrl: hook.url,
      lifecycleNotificationUrl: `${hook.url}/lifecycle`,
      resource: '/users',
      expirationDateTime: new Date(Date.now() + 2 * DAY),
      clientState: 'state-123',
    };
    const created = await graph.createSubscription(conn, input);
    expect(created).to.include({ resource: '/users', clientState: 'state-123', notificationUrl: hook.url });
    expect(Date.parse(created.expirationDateTime)).to.be.greaterThan(Date.now() + DAY);

    const dup = await rejectionOf(graph.createSubscription(conn, input));
    expect(dup).to.be.instanceOf(GraphConflictError);

    expect((await graph.getSubscription(conn, created.id)).id).to.equal(created.id);
    expect((await graph.listSubscriptions(conn)).map((s) => s.id)).to.include(created.id);
    const target = new Date(Date.now() + 3 * DAY);
    const renewed = await graph.renewSubscription(conn, created.id, target);
    expect(Math.abs(Date.parse(renewed.expirationDateTime) - target.getTime())).to.be.lessThan(60_000);
    await graph.reauthorizeSubscription(conn, created.id);
    await graph.deleteSubscription(conn, created.id);
    const gone = await rejectionOf(graph.renewSubscription(conn, created.id, target));
    expect(gone).to.be.instanceOf(GraphNotFoundError);
  });

  it('counts exactly the Graph requests the simulator received', async () => {
    sim.resetCounters();
    const counter = createRequestCounter();
    const counted = { ...conn, counter };
    await graph.listRoomsPage(counted);
    await graph.listEvents(counted, roomEmail, { top: 2 });
    await graph.listSubscriptions(counted);
    expect(counter.count).to.equal(3);
    expect(sim.requestCount({ route: '/v1.0/' })).to.equal(3);
  });
});
