/**
 * Places API: rooms, room lists, rooms of a room list (addressed by email). `$top`/`$skip`, default
 * page 100; `@odata.nextLink` only when settings.placesNextLink (real tenants often omit it);
 * rooms hidden from the GAL are never returned.
 */
import type { SimContext } from '../context.js';
import { graphError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { RoomRecord } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';
import { guarded, PERMS } from './auth.js';
import { link } from './paging.js';

export function addPlacesRoutes(router: Router, ctx: SimContext): void {
  const g = (h: (req: SimRequest, t: Tenant) => SimResponse) =>
    guarded(ctx, PERMS.placesRead, 'exchange', (req, c) => notConfigured(ctx, req) ?? h(req, c.tenant));
  router.add(
    'GET',
    '/v1.0/places/microsoft.graph.room',
    g((req, t) => pageOf(ctx, req, visibleRooms(t, t.rooms), roomJson, 'places/microsoft.graph.room')),
  );
  router.add(
    'GET',
    '/v1.0/places/microsoft.graph.roomlist',
    g((req, t) =>
      pageOf(
        ctx,
        req,
        t.roomLists,
        (l) => ({
          '@odata.type': '#microsoft.graph.roomList',
          id: l.id,
          displayName: l.displayName,
          address: null,
          geoCoordinates: null,
          phone: null,
          emailAddress: l.emailAddress,
        }),
        'places/microsoft.graph.roomList',
      ),
    ),
  );
  router.add(
    'GET',
    '/v1.0/places/{list}/microsoft.graph.roomlist/rooms',
    g((req, t) => {
      const key = (req.params.list ?? '').toLowerCase();
      const list = t.roomLists.find((l) => l.emailAddress.toLowerCase() === key);
      if (!list) return graphError(req, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      const rooms = list.roomEmails.map((e) => t.roomsByEmail.get(e.toLowerCase())).filter((r): r is RoomRecord => !!r);
      return pageOf(
        ctx,
        req,
        visibleRooms(t, rooms),
        roomJson,
        `places('${list.emailAddress}')/microsoft.graph.roomList/rooms`,
      );
    }),
  );
}

function notConfigured(ctx: SimContext, req: SimRequest): SimResponse | null {
  if (ctx.settings.placesMode === 'error') {
    return graphError(
      req,
      400,
      'ErrorPlacesNotConfigured',
      'Places settings are not configured for this tenant. Configure Places before using the list APIs.',
    );
  }
  return null;
}

function visibleRooms(_t: Tenant, rooms: RoomRecord[]): RoomRecord[] {
  return rooms.filter((r) => !r.removed && !r.hiddenFromGal);
}

export function roomJson(r: RoomRecord): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.room',
    id: r.id,
    emailAddress: r.emailAddress,
    displayName: r.displayName,
    address: r.address ?? null,
    geoCoordinates: null,
    phone: r.phone ?? null,
    nickname: r.nickname ?? null,
    label: r.label ?? null,
    capacity: r.capacity ?? null,
    building: r.building ?? null,
    floorNumber: r.floorNumber ?? null,
    floorLabel: r.floorLabel ?? null,
    bookingType: r.bookingType,
    isWheelChairAccessible: r.isWheelChairAccessible,
    tags: r.tags,
    audioDeviceName: r.audioDeviceName ?? null,
    videoDeviceName: r.videoDeviceName ?? null,
    displayDeviceName: r.displayDeviceName ?? null,
  };
}

function pageOf<T>(
  ctx: SimContext,
  req: SimRequest,
  items: T[],
  json: (x: T) => unknown,
  contextPath: string,
): SimResponse {
  const all = ctx.settings.placesMode === 'empty' ? [] : items;
  const topRaw = req.query.get('$top');
  const skipRaw = req.query.get('$skip');
  const top = topRaw === null ? 100 : Number(topRaw);
  const skip = skipRaw === null ? 0 : Number(skipRaw);
  if (!Number.isInteger(top) || top < 0)
    return graphError(req, 400, 'ErrorInvalidUrlQuery', `The value '${topRaw}' of the query option $top is invalid.`);
  if (!Number.isInteger(skip) || skip < 0)
    return graphError(req, 400, 'ErrorInvalidUrlQuery', `The value '${skipRaw}' of the query option $skip is invalid.`);
  if (req.query.has('$filter'))
    return graphError(req, 400, 'ErrorInvalidUrlQuery', 'The simulator does not implement $filter on places.');
  const slice = all.slice(skip, skip + top);
  const body: Record<string, unknown> = { '@odata.context': `${req.origin}/v1.0/$metadata#${contextPath}` };
  if (req.query.get('$count') === 'true') body['@odata.count'] = all.length;
  if (ctx.settings.placesNextLink && skip + top < all.length) {
    body['@odata.nextLink'] = link(req.origin, req.path, req.query, { $top: String(top), $skip: String(skip + top) });
  }
  body.value = slice.map(json);
  return { status: 200, body };
}
