/**
 * Places API paging (graph-facts §2): follow `@odata.nextLink` when Graph sends one; otherwise
 * walk `$top`/`$skip` (see paging.ts for when a page ends the walk).
 */
import { GraphRequestError } from './graph-error-types.js';
import type { GraphConnection, GraphRoom, PageCursor, RoomListsPage, RoomsPage } from './graph-types.js';
import { isAbsoluteLink, seg, type GraphTransport } from './graph-transport.js';
import { mapRoom, mapRoomList } from './map-place.js';
import type { Json } from './map-util.js';
import { decodeSkipCursor, encodeSkipCursor, nextSkipCursor, readPage, type SkipCursor } from './paging.js';

export interface PlacesPage<T> {
  items: T[];
  nextCursor?: PageCursor;
}

export async function placesPage<T>(
  transport: GraphTransport,
  conn: GraphConnection,
  path: string,
  top: number,
  cursor: PageCursor | undefined,
  map: (raw: Json) => T | null,
): Promise<PlacesPage<T>> {
  const link = cursor !== undefined && isAbsoluteLink(cursor) ? cursor : null;
  const skip = link ? null : parseSkip(cursor);
  const res = await transport.send(conn, {
    method: 'GET',
    path: link ?? path,
    query: link ? undefined : { $top: top, $skip: skip && skip.skip > 0 ? skip.skip : undefined },
  });
  const page = readPage(res.body, `GET ${path}`);
  const items = page.value.map(map).filter((x): x is T => x !== null);
  if (page.nextLink) return { items, nextCursor: page.nextLink };
  if (link || !skip) return { items }; // a nextLink walk ends where Graph stops sending links
  const next = nextSkipCursor(skip, page.value.length, top);
  return next ? { items, nextCursor: encodeSkipCursor(next) } : { items };
}

function parseSkip(cursor: PageCursor | undefined): SkipCursor | null {
  if (cursor === undefined) return { skip: 0, largest: 0 };
  const c = decodeSkipCursor(cursor);
  if (!c) throw new GraphRequestError('Unknown rooms cursor');
  return c;
}

export async function listRoomsPage(
  transport: GraphTransport,
  conn: GraphConnection,
  top: number,
  cursor?: PageCursor,
): Promise<RoomsPage> {
  const p = await placesPage(transport, conn, '/places/microsoft.graph.room', top, cursor, mapRoom);
  return withCursor({ rooms: p.items }, p.nextCursor);
}

export async function listRoomListsPage(
  transport: GraphTransport,
  conn: GraphConnection,
  top: number,
  cursor?: PageCursor,
): Promise<RoomListsPage> {
  const p = await placesPage(transport, conn, '/places/microsoft.graph.roomlist', top, cursor, mapRoomList);
  return withCursor({ roomLists: p.items }, p.nextCursor);
}

export async function listRoomsInListPage(
  transport: GraphTransport,
  conn: GraphConnection,
  roomListEmail: string,
  top: number,
  cursor?: PageCursor,
): Promise<RoomsPage> {
  const path = `/places/${seg(roomListEmail)}/microsoft.graph.roomlist/rooms`;
  const p = await placesPage(transport, conn, path, top, cursor, mapRoom);
  return withCursor({ rooms: p.items }, p.nextCursor);
}

export async function* iterateRooms(
  transport: GraphTransport,
  conn: GraphConnection,
  top: number,
): AsyncGenerator<GraphRoom> {
  let cursor: PageCursor | undefined;
  const seen = new Set<string>();
  do {
    const page = await listRoomsPage(transport, conn, top, cursor);
    for (const room of page.rooms) yield room;
    cursor = page.nextCursor;
    if (cursor !== undefined) {
      if (seen.has(cursor)) throw new GraphRequestError('Microsoft Graph repeated a rooms page link');
      seen.add(cursor);
    }
  } while (cursor !== undefined);
}

function withCursor<T extends object>(page: T, nextCursor: PageCursor | undefined): T & { nextCursor?: PageCursor } {
  return nextCursor === undefined ? page : { ...page, nextCursor };
}
