import { z } from 'zod';
import {
  readBookingCursor,
  type BookingRepository,
  type IntegrationRepository,
  type RoomRepository,
} from '@ones-m365/shared/db';
import { bookingView } from '@ones-m365/shared/events';
import { decimalInteger } from '../http/query-params.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { existingIntegration } from '../services/existing-integration.js';

export interface BookingRoutesDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  rooms: Pick<RoomRepository, 'byEmails' | 'byIds'>;
  bookings: Pick<BookingRepository, 'list'>;
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone (Z or ±hh:mm)' })
  .transform((v) => new Date(v));
const bookingsQuery = z
  .object({
    roomId: z.string().min(1).max(64).optional(),
    roomEmail: z.email({ message: 'must be an email address' }).max(320).optional(),
    from: instant.optional(),
    to: instant.optional(),
    status: z
      .enum(['confirmed', 'tentative', 'cancelled', 'declined', 'released'], {
        message: 'must be confirmed, tentative, cancelled, declined or released',
      })
      .optional(),
    source: z.enum(['outlook', 'ones'], { message: 'must be outlook or ones' }).optional(),
    cursor: z
      .string()
      .refine((c) => readBookingCursor(c) !== null, { message: 'must be a nextCursor this list returned' })
      .optional(),
    limit: decimalInteger({ min: 1, max: 500 }).default(100),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'must be after from', path: ['to'] });

/** The mirrored bookings of the integration's rooms (contract: Bookings). */
export function bookingRoutes(deps: BookingRoutesDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/integrations/:id/bookings',
      summary:
        'Bookings of the synced rooms in the mirrored window, in start-time order: from/to select those overlapping the interval (keyset pages: pass nextCursor as cursor)',
      tag: 'bookings',
      params: idParams,
      query: bookingsQuery,
      responses: { 200: '{items: [booking], nextCursor}', 404: 'No such integration' },
      async handler({ params, query }) {
        await existingIntegration(deps.integrations, params.id);
        const roomIds = await roomFilter(deps.rooms, params.id, query);
        const page = await deps.bookings.list(params.id, { ...query, ...(roomIds ? { roomIds } : {}) });
        const rooms = new Map(
          (await deps.rooms.byIds(params.id, [...new Set(page.items.map((b) => b.roomId))])).map((r) => [r.id, r]),
        );
        return {
          items: page.items.map((b) => bookingView(b, rooms.get(b.roomId)?.email ?? null)),
          nextCursor: page.nextCursor,
        };
      },
    }),
  ];
}

/** roomId and roomEmail narrow to one room each (both given: the room must match both). */
async function roomFilter(
  rooms: BookingRoutesDeps['rooms'],
  integrationId: string,
  q: { roomId?: string | undefined; roomEmail?: string | undefined },
): Promise<string[] | undefined> {
  if (!q.roomId && !q.roomEmail) return undefined;
  let ids = q.roomId ? [q.roomId] : null;
  if (q.roomEmail) {
    const byEmail = (await rooms.byEmails(integrationId, [q.roomEmail])).map((r) => r.id);
    ids = ids ? ids.filter((id) => byEmail.includes(id)) : byEmail;
  }
  return ids ?? [];
}
