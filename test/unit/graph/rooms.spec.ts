import { expect } from 'chai';
import { createGraphClient, type GraphClient, type GraphRoom } from '../../../shared/graph/index.js';
import { FakeHttp, addFakeLogin, type RecordedRequest } from '../../fakes/graph-fake-http.js';
import { GRAPH, LOGIN, TENANT, testConnection } from '../../fakes/graph-test-helpers.js';

const ROOMS = /^\/v1\.0\/places\/microsoft\.graph\.room(\?|$)/;

function room(i: number): Record<string, unknown> {
  return { id: `id-${i}`, emailAddress: `room${i}@contoso.com`, displayName: `Room ${i}`, capacity: i };
}

function setup(): { http: FakeHttp; graph: GraphClient } {
  const http = new FakeHttp();
  addFakeLogin(http, LOGIN, TENANT, { roles: ['Place.Read.All'] });
  return { http, graph: createGraphClient({ fetch: http.fetch }) };
}

/** Serves `total` rooms by $top/$skip, optionally capping the page size, never sending nextLink. */
function skipServer(total: number, cap = Infinity) {
  return (req: RecordedRequest) => {
    const u = new URL(req.url);
    const top = Number(u.searchParams.get('$top') ?? 100);
    const skip = Number(u.searchParams.get('$skip') ?? 0);
    const n = Math.max(0, Math.min(top, cap, total - skip));
    return { json: { value: Array.from({ length: n }, (_, k) => room(skip + k)) } };
  };
}

async function all(graph: GraphClient): Promise<GraphRoom[]> {
  const out: GraphRoom[] = [];
  for await (const r of graph.iterateRooms(testConnection())) out.push(r);
  return out;
}

describe('graph/rooms paging', () => {
  it('falls back to $top/$skip when Graph sends no nextLink and stops at a short page', async () => {
    const { http, graph } = setup();
    http.on('GET', ROOMS, skipServer(250));
    const rooms = await all(graph);
    expect(rooms.map((r) => r.id)).to.deep.equal(Array.from({ length: 250 }, (_, i) => `id-${i}`));
    const urls = http.requestsTo('/places/').map((r) => new URL(r.url).search);
    expect(urls).to.deep.equal(['?$top=100', '?$top=100&$skip=100', '?$top=100&$skip=200']);
  });

  it('asks once more after an exactly full last page and stops on the empty one', async () => {
    const { http, graph } = setup();
    http.on('GET', ROOMS, skipServer(200));
    expect(await all(graph)).to.have.length(200);
    expect(http.requestsTo('/places/')).to.have.length(3);
  });

  it('does not stop early when the server caps $top below what was asked', async () => {
    const http = new FakeHttp();
    addFakeLogin(http, LOGIN, TENANT);
    const graph = createGraphClient({ fetch: http.fetch, roomsPageSize: 999 });
    http.on('GET', ROOMS, skipServer(230, 100));
    const rooms = await all(graph);
    expect(rooms).to.have.length(230);
    expect(new Set(rooms.map((r) => r.id)).size).to.equal(230);
  });

  it('follows @odata.nextLink when present, including pages with an empty value', async () => {
    const { http, graph } = setup();
    http.on('GET', ROOMS, {
      json: { value: [room(1)], '@odata.nextLink': `${GRAPH}/v1.0/places/microsoft.graph.room?$skiptoken=p2` },
    });
    http.on('GET', /\$skiptoken=p2/, {
      json: { value: [], '@odata.nextLink': `${GRAPH}/v1.0/places/microsoft.graph.room?$skiptoken=p3` },
    });
    http.on('GET', /\$skiptoken=p3/, { json: { value: [room(2), room(3)] } });
    const first = await graph.listRoomsPage(testConnection());
    expect(first.nextCursor).to.equal(`${GRAPH}/v1.0/places/microsoft.graph.room?$skiptoken=p2`);
    const second = await graph.listRoomsPage(testConnection(), first.nextCursor);
    expect(second.rooms).to.deep.equal([]);
    expect(second.nextCursor).to.include('p3');
    const third = await graph.listRoomsPage(testConnection(), second.nextCursor);
    expect(third.rooms.map((r) => r.id)).to.deep.equal(['id-2', 'id-3']);
    expect(third.nextCursor).to.equal(undefined);
    expect(http.requestsTo('/places/').every((r) => !new URL(r.url).searchParams.has('$skip'))).to.equal(true);
  });

  it('maps room fields defensively: capacity as a string, unknown bookingType, missing fields', async () => {
    const { http, graph } = setup();
    http.on('GET', ROOMS, {
      json: {
        value: [
          {
            id: 'r1',
            emailAddress: 'r1@contoso.com',
            displayName: 'Conf 1',
            capacity: '50',
            building: 'B1',
            floorNumber: 3,
            floorLabel: '3F',
            bookingType: 'reserved',
            isWheelChairAccessible: true,
            tags: ['tv', 7],
            placeId: 'p-1',
            address: { city: 'Paris' },
          },
          { id: 'r2', capacity: 'fifty', floorNumber: '-1', bookingType: 'whatever' },
          { displayName: 'no id: skipped' },
        ],
      },
    });
    const page = await graph.listRoomsPage(testConnection());
    expect(page.rooms).to.have.length(2);
    const [a, b] = page.rooms;
    expect(a).to.include({
      id: 'r1',
      emailAddress: 'r1@contoso.com',
      capacity: 50,
      building: 'B1',
      floorNumber: 3,
      floorLabel: '3F',
      bookingType: 'reserved',
      isWheelChairAccessible: true,
      placeId: 'p-1',
    });
    expect(a!.tags).to.deep.equal(['tv']);
    expect(a!.address?.city).to.equal('Paris');
    expect(b).to.include({
      capacity: null,
      floorNumber: -1,
      bookingType: 'unknown',
      emailAddress: null,
      isWheelChairAccessible: null,
    });
  });

  it('lists room lists and the rooms of one list addressed by email', async () => {
    const { http, graph } = setup();
    http.on('GET', /\/places\/microsoft\.graph\.roomlist/, {
      json: { value: [{ id: 'l1', emailAddress: 'b1@contoso.com', displayName: 'Building 1' }] },
    });
    http.on('GET', /\/places\/b1%40contoso\.com\/microsoft\.graph\.roomlist\/rooms/, { json: { value: [room(5)] } });
    const lists = await graph.listRoomListsPage(testConnection());
    expect(lists.roomLists).to.deep.equal([{ id: 'l1', emailAddress: 'b1@contoso.com', displayName: 'Building 1' }]);
    const inList = await graph.listRoomsInListPage(testConnection(), 'b1@contoso.com');
    expect(inList.rooms.map((r) => r.id)).to.deep.equal(['id-5']);
  });

  it('rejects a cursor it did not hand out', async () => {
    const { graph } = setup();
    let caught: unknown;
    try {
      await graph.listRoomsPage(testConnection(), 'page-two');
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).name).to.equal('GraphRequestError');
  });
});
