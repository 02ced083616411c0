import type { Client } from '@microsoft/microsoft-graph-client';
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { graphFor, msalFor } from '../../support/graph-simulator-clients.js';

type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
const DAY = 86_400_000;

describe('graph-simulator: room calendars (real Graph client)', () => {
  let sim: GraphSimulator;
  let graph: Client;
  let room: string;
  const start = new Date(Math.floor(Date.now() / DAY) * DAY - DAY).toISOString();
  const end = new Date(Math.floor(Date.now() / DAY) * DAY + 30 * DAY).toISOString();

  async function walk(
    first: string,
    pageSize?: number,
  ): Promise<{ items: Record<string, unknown>[]; pages: number; deltaLink: string }> {
    const items: Record<string, unknown>[] = [];
    let url = first;
    let pages = 0;
    for (;;) {
      let req = graph.api(url);
      if (pageSize) req = req.header('Prefer', `odata.maxpagesize=${pageSize}`);
      const p = (await req.get()) as Page;
      pages++;
      items.push(...p.value);
      if (p['@odata.deltaLink']) return { items, pages, deltaLink: p['@odata.deltaLink'] };
      url = p['@odata.nextLink']!;
    }
  }

  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 3, users: 30, rooms: 3, eventsPerRoom: 7 } });
    graph = graphFor(sim, msalFor(sim));
    room = sim.listRooms()[0]!.emailAddress;
  });
  after(async () => {
    await sim.close();
  });

  it('calendarView/delta: window required, $select refused, Prefer: odata.maxpagesize pages', async () => {
    const noWindow = await graph
      .api(`/users/${room}/calendarView/delta`)
      .get()
      .then(
        () => null,
        (e: { statusCode: number }) => e,
      );
    expect(noWindow?.statusCode).to.equal(400);
    const sel = await graph
      .api(`/users/${room}/calendarView/delta?startDateTime=${start}&endDateTime=${end}&$select=subject`)
      .get()
      .then(
        () => null,
        (e: { statusCode: number }) => e,
      );
    expect(sel?.statusCode).to.equal(400);
    const r = await walk(`/users/${room}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`, 2);
    expect(r.items).to.have.length(7);
    expect(r.pages).to.equal(4);
    expect(r.items[0]).to.include.keys(['id', 'subject', 'start', 'end', 'organizer', 'attendees', 'responseStatus']);
  });

  it('delta reports booked, moved, moved-out-of-window and cancelled events', async () => {
    const { deltaLink } = await walk(`/users/${room}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`);
    const t0 = Date.now() + 2 * DAY;
    const booked = sim.bookEvent(room, {
      subject: 'Standup',
      start: new Date(t0).toISOString(),
      end: new Date(t0 + 1_800_000).toISOString(),
      organizer: { address: 'someone@example.com' },
    });
    const [moved, outside, cancelled] = sim.listEvents(room).filter((e) => e.id !== booked.id);
    sim.moveEvent(moved!.id, {
      start: new Date(t0 + DAY).toISOString(),
      end: new Date(t0 + DAY + 3_600_000).toISOString(),
    });
    sim.moveEvent(outside!.id, {
      start: new Date(t0 + 365 * DAY).toISOString(),
      end: new Date(t0 + 365 * DAY + 3_600_000).toISOString(),
    });
    sim.cancelEvent(cancelled!.id);
    const r = await walk(deltaLink);
    const byId = new Map(r.items.map((e) => [e.id, e]));
    expect(byId.size).to.equal(4);
    expect(byId.get(booked.id)).to.include({ subject: 'Standup' });
    expect((byId.get(moved!.id)!.start as { dateTime: string }).dateTime.slice(0, 16)).to.equal(
      new Date(t0 + DAY).toISOString().slice(0, 16),
    );
    expect(byId.get(outside!.id)!['@removed']).to.deep.equal({ reason: 'deleted' });
    expect(byId.get(cancelled!.id)!['@removed']).to.deep.equal({ reason: 'deleted' });
    const again = await walk(r.deltaLink);
    expect(again.items).to.deep.equal([]);
  });

  it('events: list, get, create; decline → 202, the meeting leaves the room and the organizer gets the comment', async () => {
    const list = (await graph.api(`/users/${room}/events`).top(50).get()) as Page;
    expect(list.value.length).to.be.greaterThan(0);
    const ev = list.value[0]!;
    const got = (await graph.api(`/users/${room}/events/${String(ev.id)}`).get()) as Record<string, unknown>;
    expect(got.subject).to.equal(ev.subject);
    const res = (await graph
      .api(`/users/${room}/events/${String(ev.id)}/decline`)
      .responseType('raw' as never)
      .post({ comment: 'Outside booking hours', sendResponse: true })) as Response;
    expect(res.status).to.equal(202);
    const gone = await graph
      .api(`/users/${room}/events/${String(ev.id)}`)
      .get()
      .then(
        () => 200,
        (err: { statusCode?: number }) => err.statusCode,
      );
    expect(gone).to.equal(404);
    expect(sim.getEvent(String(ev.id))).to.include({
      roomResponse: 'declined',
      declineComment: 'Outside booking hours',
    });
    expect(sim.meetingMessages().at(-1)).to.include({
      kind: 'declined',
      eventId: ev.id,
      comment: 'Outside booking hours',
    });
    const created = (await graph.api(`/users/${room}/events`).post({
      subject: 'Made by app',
      start: { dateTime: '2030-01-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2030-01-01T11:00:00', timeZone: 'UTC' },
    })) as Record<string, unknown>;
    expect(created.subject).to.equal('Made by app');
    expect(created.isOrganizer).to.equal(true);
  });

  it('cancel: 400 "You need to be an organizer" for a room attendee, 202 when the room organized it', async () => {
    const ev = sim.listEvents(room).find((e) => e.organizer.address !== room)!;
    const err = await graph
      .api(`/users/${room}/events/${ev.id}/cancel`)
      .post({ comment: 'no' })
      .then(
        () => null,
        (e: { statusCode: number; message: string }) => e,
      );
    expect(err?.statusCode).to.equal(400);
    expect(err?.message).to.contain('You need to be an organizer to cancel a meeting');
    const own = (await graph.api(`/users/${room}/events`).post({
      subject: 'Own',
      start: { dateTime: '2030-02-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2030-02-01T11:00:00', timeZone: 'UTC' },
    })) as { id: string };
    const ok = (await graph
      .api(`/users/${room}/events/${own.id}/cancel`)
      .responseType('raw' as never)
      .post({ comment: 'bye' })) as Response;
    expect(ok.status).to.equal(202);
  });

  it('decline needs Calendars.ReadWrite (ErrorAccessDenied with Calendars.Read)', async () => {
    const app = sim.createApp({ permissions: ['Calendars.Read'] });
    const g = graphFor(sim, msalFor(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value }));
    const ev = sim.listEvents(room)[0]!;
    expect(((await g.api(`/users/${room}/events`).get()) as Page).value.length).to.be.greaterThan(0);
    const err = await g
      .api(`/users/${room}/events/${ev.id}/decline`)
      .post({ comment: 'x' })
      .then(
        () => null,
        (e: { statusCode: number; code: string }) => e,
      );
    expect(err?.statusCode).to.equal(403);
    expect(err?.code).to.equal('ErrorAccessDenied');
  });
});
