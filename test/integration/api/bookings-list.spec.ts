/**
 * GET …/bookings against MySQL through the api: the contract's shape, each filter (room by id and
 * by email, an overlapping interval, status, source), start-time order with keyset pages that
 * neither skip nor repeat, and 400 naming each bad parameter.
 */
import { expect } from 'chai';
import { BookingRepository, RoomRepository, type BookingRow } from '@ones-m365/shared/db';
import { startSettingsHarness, type SettingsHarness } from '../../support/settings-harness.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2027-03-01T08:00:00Z');

interface BookingView {
  id: string;
  roomId: string;
  roomEmail: string;
  graphEventId: string;
  subject: string | null;
  start: string;
  end: string;
  status: string;
  source: string;
}

describe('bookings: GET …/bookings (MySQL)', () => {
  let s: SettingsHarness;
  let id: string;
  let roomA: { id: string; email: string };
  let roomB: { id: string; email: string };

  const list = async (query: string) => {
    const r = await s.h.call(`/api/v1/integrations/${id}/bookings?${query}`);
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body as { items: BookingView[]; nextCursor: string | null };
  };
  const all = async (query: string, limit: number) => {
    const seen: BookingView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { seen, pages };
  };

  before(async () => {
    s = await startSettingsHarness({ seed: { users: 2, rooms: 1 } });
    id = await s.create();
    const rooms = new RoomRepository(s.h.db.ds);
    const room = (email: string) => ({
      integrationId: id,
      email,
      graphId: null,
      displayName: email,
      capacity: 8,
      building: null,
      floorNumber: null,
      floorLabel: null,
      bookingType: 'standard',
      isWheelChairAccessible: null,
      tags: null,
    });
    await rooms.upsertBatch([room('alpha@contoso.com'), room('beta@contoso.com')]);
    // activeIds is in id order (random UUIDs): take the rooms by email.
    const [a, b] = (await rooms.activeIds(id)).sort((x, y) => x.email.localeCompare(y.email));
    [roomA, roomB] = [a!, b!];
    const row = (roomId: string, n: number, over: Partial<BookingRow> = {}): BookingRow => ({
      integrationId: id,
      roomId,
      graphEventId: `evt-${roomId.slice(0, 8)}-${n}`,
      iCalUId: `uid-${n}`,
      seriesMasterId: null,
      type: 'singleInstance',
      changeKey: 'ck',
      subject: `Meeting ${n}`,
      organizerEmail: 'ann@contoso.com',
      organizerName: 'Ann',
      // Rooms share start times two by two: the order must break ties by id, not lose rows.
      startAt: new Date(T0 + Math.floor(n / 2) * HOUR),
      endAt: new Date(T0 + Math.floor(n / 2) * HOUR + HOUR / 2),
      isAllDay: false,
      status: n % 5 === 4 ? 'cancelled' : 'confirmed',
      seenRound: null,
      bookedAt: null,
      fingerprint: null,
      attendeeCount: null,
      ...over,
    });
    const bookings = new BookingRepository(s.h.db.ds);
    await bookings.upsertPage(Array.from({ length: 25 }, (_, n) => row(roomA.id, n)));
    await bookings.upsertPage(Array.from({ length: 10 }, (_, n) => row(roomB.id, n)));
    await s.h.db.ds.query("UPDATE room_bookings SET source = 'ones' WHERE room_id = ? AND graph_event_id LIKE ?", [
      roomB.id,
      '%-3',
    ]);
  });
  after(() => s?.close());

  it('pages every booking once, in start-time order, whatever the page size', async () => {
    for (const limit of [1, 4, 7, 100]) {
      const { seen, pages } = await all('', limit);
      expect(seen).to.have.length(35);
      expect(new Set(seen.map((b) => b.id)).size).to.equal(35);
      expect(pages).to.equal(Math.ceil(35 / limit));
      const starts = seen.map((b) => Date.parse(b.start));
      expect(starts).to.deep.equal([...starts].sort((x, y) => x - y));
    }
  });

  it('shows each booking as the contract says, times in UTC', async () => {
    // Meetings 0 and 1 start together (ties go by id, a random UUID): take Meeting 0 of the first two.
    const { items } = await list(`roomId=${roomA.id}&limit=2`);
    expect(items.find((i) => i.subject === 'Meeting 0')).to.deep.include({
      roomId: roomA.id,
      roomEmail: 'alpha@contoso.com',
      subject: 'Meeting 0',
      organizer: { name: 'Ann', email: 'ann@contoso.com' },
      start: '2027-03-01T08:00:00.000Z',
      end: '2027-03-01T08:30:00.000Z',
      isAllDay: false,
      status: 'confirmed',
      source: 'outlook',
      type: 'singleInstance',
      policyViolation: null,
    });
  });

  it('filters by room (id or email, both must match), interval overlap, status and source', async () => {
    expect((await all(`roomId=${roomB.id}`, 3)).seen).to.have.length(10);
    expect((await all(`roomEmail=BETA@contoso.com`, 100)).seen.every((b) => b.roomId === roomB.id)).to.equal(true);
    expect((await list(`roomId=${roomA.id}&roomEmail=beta@contoso.com`)).items).to.have.length(0);
    expect((await list(`roomEmail=nobody@contoso.com`)).items).to.have.length(0);
    // 09:15–10:00 overlaps the 09:00–09:30 bookings (n = 2, 3) but not 10:00–10:30 (n = 4, 5): 2 per room.
    const overlap = await list(`from=2027-03-01T09:15:00Z&to=2027-03-01T10:00:00%2B00:00`);
    expect(overlap.items.map((b) => b.subject).sort()).to.deep.equal([
      'Meeting 2',
      'Meeting 2',
      'Meeting 3',
      'Meeting 3',
    ]);
    const cancelled = (await all('status=cancelled', 100)).seen;
    expect(cancelled.map((b) => b.subject).sort()).to.deep.equal(
      ['Meeting 14', 'Meeting 19', 'Meeting 24', 'Meeting 4', 'Meeting 4', 'Meeting 9', 'Meeting 9'].sort(),
    );
    const ones = (await list('source=ones')).items;
    expect(ones.map((b) => [b.roomId, b.subject])).to.deep.equal([[roomB.id, 'Meeting 3']]);
  });

  it('400 names each bad parameter; an unknown integration is 404', async () => {
    const r = await s.h.call(
      `/api/v1/integrations/${id}/bookings?from=yesterday&to=2027-01-01T00:00:00&status=maybe&source=exchange&limit=0&roomEmail=x&cursor=abc`,
    );
    expect(r.status).to.equal(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field).sort()).to.deep.equal(
      [
        'query.cursor',
        'query.from',
        'query.limit',
        'query.roomEmail',
        'query.source',
        'query.status',
        'query.to',
      ].sort(),
    );
    const backwards = await s.h.call(
      `/api/v1/integrations/${id}/bookings?from=2027-03-02T00:00:00Z&to=2027-03-01T00:00:00Z`,
    );
    expect(backwards.status).to.equal(400);
    expect(backwards.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['query.to']);
    const missing = await s.h.call(`/api/v1/integrations/00000000-0000-4000-8000-000000000000/bookings`);
    expect(missing.status).to.equal(404);
  });
});
