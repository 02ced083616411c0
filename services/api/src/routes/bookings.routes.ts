import { z } from 'zod';
import {
  readBookingCursor,
  type BookingRepository,
  type RoomBookingEntity,
  type IntegrationRepository,
  type RoomRepository,
} from '@ones-m365/shared/db';
import { bookingView } from '@ones-m365/shared/events';
import { decimalInteger } from '../http/query-params.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { existingIntegration } from '../services/existing-integration.js';
import type { OnesBookingsService } from '../services/ones-bookings.service.js';

export interface BookingRoutesDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  rooms: Pick<RoomRepository, 'byEmails' | 'byIds'>;
  bookings: Pick<BookingRepository, 'list'>;
  ones: Pick<OnesBookingsService, 'create' | 'update' | 'cancel' | 'release'>;
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const bookingParams = z.object({ id: z.string().min(1).max(64), bookingId: z.string().min(1).max(64) });
const email = z.email({ message: 'must be an email address' }).max(320);
const subject = z.string().trim().min(1, { message: 'must not be empty' }).max(255);
const text = z.string().max(10_000);
const attendees = z.array(email).max(500);
const newBooking = z
  .object({
    roomId: z.string().min(1).max(64).optional(),
    roomEmail: email.optional(),
    subject,
    start: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone (Z or ±hh:mm)' })
      .transform((v) => new Date(v)),
    end: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone (Z or ±hh:mm)' })
      .transform((v) => new Date(v)),
    organizerEmail: email.optional(),
    attendees: attendees.optional(),
    body: text.optional(),
  })
  .strict()
  .refine((b) => b.roomId !== undefined || b.roomEmail !== undefined, {
    message: 'roomId or roomEmail is required',
    path: ['roomId'],
  })
  .refine((b) => !(b.start instanceof Date) || !(b.end instanceof Date) || b.end > b.start, {
    message: 'must be after start',
    path: ['end'],
  });
const bookingChange = z
  .object({
    subject: subject.optional(),
    start: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone (Z or ±hh:mm)' })
      .transform((v) => new Date(v))
      .optional(),
    end: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone (Z or ±hh:mm)' })
      .transform((v) => new Date(v))
      .optional(),
    attendees: attendees.optional(),
    body: text.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, {
    message: 'must change at least one of subject, start, end, attendees, body',
  })
  .refine((b) => !b.start || !b.end || b.end > b.start, { message: 'must be after start', path: ['end'] });
const releaseBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();
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
    defineRoute({
      method: 'post',
      path: '/integrations/:id/bookings',
      summary:
        "A booking made in ONES, written to Outlook: the organizer's calendar (room as resource attendee) when a synced user, else the room's",
      description:
        "Checked against the room's booking policy first (422 policy_violation naming the rule, in enforce mode) and against conflicts: the mirror and the room's free/busy at Graph (409 conflict), unless the policy allows conflicts. The room's delta recognises it (iCalUId): it shows once, source ones, and is never policy-checked again.",
      tag: 'bookings',
      params: idParams,
      body: newBooking,
      responses: {
        201: 'booking',
        404: 'No such integration',
        409: 'The room is booked at that time (details: the booking or the busy slot)',
        422: 'policy_violation (details: {rule, message}), or unknown_room',
        503: "The room's calendar stayed busy syncing, or Graph is throttling the room: retry",
      },
      async handler({ params, body }, res) {
        const booking = await deps.ones.create(params.id, body);
        res.status(201);
        return await viewOne(deps.rooms, params.id, booking);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/integrations/:id/bookings/:bookingId',
      summary: 'Moves or edits a booking made in ONES, at Graph too (checked as a new booking)',
      tag: 'bookings',
      params: bookingParams,
      body: bookingChange,
      responses: {
        200: 'booking',
        404: 'No such integration or booking',
        409: 'The room is booked at the new time, or the booking is no longer active',
        422: 'policy_violation, or not_a_ones_booking (made in Outlook)',
      },
      async handler({ params, body }) {
        return await viewOne(deps.rooms, params.id, await deps.ones.update(params.id, params.bookingId, body));
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/integrations/:id/bookings/:bookingId',
      summary: 'Cancels a booking made in ONES: the organizer cancels the meeting in Outlook, the room is free',
      tag: 'bookings',
      params: bookingParams,
      responses: {
        204: 'Cancelled',
        404: 'No such integration or booking',
        422: 'not_a_ones_booking (made in Outlook)',
      },
      async handler({ params }) {
        await deps.ones.cancel(params.id, params.bookingId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/integrations/:id/bookings/:bookingId/release',
      summary: 'Nobody checked in: the room declines the meeting in Outlook with a release message and is free again',
      description:
        'Any confirmed or tentative booking (from Outlook or ONES). 200 with status released; again for an already released one. 202 when Graph is throttling the room: the release is sent by a job and the booking turns released then.',
      tag: 'bookings',
      params: bookingParams,
      body: releaseBody,
      responses: {
        200: 'booking, status released',
        202: 'booking (not yet released): the decline is queued behind Graph throttling',
        404: 'No such integration or booking',
        409: "The booking is cancelled or declined, or not yet in the room's calendar",
      },
      async handler({ params, body }, res) {
        const r = await deps.ones.release(params.id, params.bookingId, body.reason);
        if (r.pending) res.status(202);
        return await viewOne(deps.rooms, params.id, r.booking);
      },
    }),
  ];
}

async function viewOne(
  rooms: BookingRoutesDeps['rooms'],
  integrationId: string,
  b: RoomBookingEntity,
): Promise<ReturnType<typeof bookingView>> {
  return bookingView(b, (await rooms.byIds(integrationId, [b.roomId]))[0]?.email ?? null);
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
