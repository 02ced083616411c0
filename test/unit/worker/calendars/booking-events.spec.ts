import { expect } from 'chai';
import type { BookingRow, RoomBookingEntity } from '@ones-m365/shared/db';
import { bookingChange } from '../../../../services/worker/src/sync/calendars/booking-events.js';

const row = (over: Partial<BookingRow> = {}): BookingRow => ({
  integrationId: 'i1',
  roomId: 'r1',
  graphEventId: 'ev1',
  iCalUId: 'ical-1',
  seriesMasterId: null,
  type: 'singleInstance',
  changeKey: 'ck1',
  subject: 'Planning',
  organizerEmail: 'ana@contoso.com',
  organizerName: 'Ana',
  startAt: new Date('2026-12-03T09:00:00Z'),
  endAt: new Date('2026-12-03T10:00:00Z'),
  isAllDay: false,
  status: 'confirmed',
  seenRound: 'round-1',
  bookedAt: null,
  fingerprint: null,
  attendeeCount: null,
  ...over,
});
const stored = (over: Partial<RoomBookingEntity> = {}): RoomBookingEntity => ({
  ...row(),
  id: 'b1',
  source: 'outlook',
  policyViolation: null,
  declinedAt: null,
  writtenMailbox: null,
  writtenEventId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

describe('calendars: the booking events of a page', () => {
  it('a booking new to the mirror is created; one Outlook cancelled is cancelled', () => {
    expect(bookingChange(undefined, row())).to.equal('booking.created');
    expect(bookingChange(stored(), row({ status: 'cancelled' }))).to.equal('booking.cancelled');
  });

  it('a change of what the API shows is an update; a new changeKey or round alone is none', () => {
    expect(bookingChange(stored(), row({ endAt: new Date('2026-12-03T10:30:00Z') }))).to.equal('booking.updated');
    expect(bookingChange(stored(), row({ subject: null }))).to.equal('booking.updated');
    expect(bookingChange(stored(), row({ status: 'tentative' }))).to.equal('booking.updated');
    expect(bookingChange(stored(), row({ changeKey: 'ck2', seenRound: 'round-2' }))).to.equal(null);
    expect(bookingChange(stored({ isAllDay: 0 as unknown as boolean }), row())).to.equal(null);
  });

  it('a cancelled booking read again cancelled has no event', () => {
    expect(bookingChange(stored({ status: 'cancelled' }), row({ status: 'cancelled' }))).to.equal(null);
  });
});
