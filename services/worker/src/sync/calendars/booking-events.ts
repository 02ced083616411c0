/**
 * A calendar page's booking events, worked out without I/O: a booking new to the mirror is
 * `booking.created`, one Outlook cancelled (or removed) is `booking.cancelled`, one whose shown
 * fields changed is `booking.updated`; a booking read again unchanged (a full round re-reads the
 * whole window every day) has none. Declines and releases by the booking policy are its own.
 */
import type { BookingRow, RoomBookingEntity } from '@ones-m365/shared/db';

export type BookingChange = 'booking.created' | 'booking.updated' | 'booking.cancelled';

export function bookingChange(before: RoomBookingEntity | undefined, row: BookingRow): BookingChange | null {
  if (!before) return 'booking.created';
  if (row.status === 'cancelled' && before.status !== 'cancelled') return 'booking.cancelled';
  const same =
    before.iCalUId === row.iCalUId &&
    before.seriesMasterId === row.seriesMasterId &&
    before.type === row.type &&
    before.subject === row.subject &&
    before.organizerEmail === row.organizerEmail &&
    before.organizerName === row.organizerName &&
    before.startAt.getTime() === row.startAt.getTime() &&
    before.endAt.getTime() === row.endAt.getTime() &&
    Boolean(before.isAllDay) === row.isAllDay &&
    before.status === row.status;
  return same ? null : 'booking.updated';
}
