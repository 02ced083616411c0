import { expect } from 'chai';
import type { GraphEvent } from '@ones-m365/shared/graph';
import { MAX_ATTENDEES, toBookingRow } from '../../../../services/worker/src/sync/calendars/booking-mapping.js';

const event = (over: Partial<GraphEvent> = {}): GraphEvent => ({
  id: 'AAMk-1',
  iCalUId: 'ical-1',
  seriesMasterId: null,
  type: 'singleInstance',
  subject: 'Standup',
  start: '2026-12-02T09:00:00.000Z',
  end: '2026-12-02T09:30:00.000Z',
  isAllDay: false,
  isCancelled: false,
  showAs: 'busy',
  sensitivity: 'normal',
  organizer: { name: 'Ann', address: 'Ann@Contoso.com' },
  attendees: [],
  location: null,
  responseStatus: 'accepted',
  createdDateTime: null,
  lastModifiedDateTime: null,
  changeKey: 'ck1',
  recurrence: null,
  ...over,
});
const ctx = { integrationId: 'i', roomId: 'r', round: 'round-1' };
const rowOf = (over: Partial<GraphEvent>) => {
  const m = toBookingRow(event(over), ctx);
  if (!('row' in m)) throw new Error(`skipped: ${m.skipped}`);
  return m.row;
};
const skipped = (over: Partial<GraphEvent>) => {
  const m = toBookingRow(event(over), ctx);
  if ('row' in m) throw new Error('expected the event to be skipped');
  return m.skipped;
};

describe('toBookingRow', () => {
  it('maps an accepted event to a confirmed booking in UTC, organizer lower-cased, stamped with the round', () => {
    const row = rowOf({});
    expect(row).to.include({
      graphEventId: 'AAMk-1',
      iCalUId: 'ical-1',
      type: 'singleInstance',
      subject: 'Standup',
      organizerEmail: 'ann@contoso.com',
      status: 'confirmed',
      seenRound: 'round-1',
      changeKey: 'ck1',
    });
    expect(row.startAt.toISOString()).to.equal('2026-12-02T09:00:00.000Z');
    expect(row.endAt.toISOString()).to.equal('2026-12-02T09:30:00.000Z');
  });

  it('hides the subject of private and confidential events', () => {
    expect(rowOf({ sensitivity: 'private' }).subject).to.equal(null);
    expect(rowOf({ sensitivity: 'confidential' }).subject).to.equal(null);
    expect(rowOf({ sensitivity: 'personal' }).subject).to.equal('Standup');
  });

  it("takes the status from the room's view: cancelled, declined, tentative", () => {
    expect(rowOf({ isCancelled: true }).status).to.equal('cancelled');
    expect(rowOf({ responseStatus: 'declined' }).status).to.equal('declined');
    expect(rowOf({ responseStatus: 'tentativelyAccepted' }).status).to.equal('tentative');
    expect(rowOf({ showAs: 'tentative', responseStatus: 'none' }).status).to.equal('tentative');
  });

  it('keeps an occurrence with its series master, and reads an unknown type as a single instance', () => {
    expect(rowOf({ type: 'occurrence', seriesMasterId: 'master-1' })).to.include({
      type: 'occurrence',
      seriesMasterId: 'master-1',
    });
    expect(rowOf({ type: 'somethingNew' }).type).to.equal('singleInstance');
  });

  it('skips bad data, naming the event and what is wrong', () => {
    expect(skipped({ start: null })).to.match(/^event AAMk-1 skipped: it has no start or end/);
    expect(skipped({ end: null })).to.contain('no start or end');
    expect(skipped({ start: '2026-12-02T09:00:00.0000000' })).to.contain('time zone is not UTC');
    expect(skipped({ end: '2026-12-02T08:00:00.000Z' })).to.contain('ends before it starts');
    const crowd = Array.from({ length: MAX_ATTENDEES + 1 }, (_, i) => ({
      name: null,
      address: `p${i}@x.com`,
      type: 'required',
      response: null,
    }));
    expect(skipped({ attendees: crowd })).to.contain(`${MAX_ATTENDEES + 1} attendees`);
    expect(skipped({ id: 'x'.repeat(256) })).to.contain('longer than 255');
  });

  it('fits long subjects and organizer names into their columns', () => {
    const row = rowOf({ subject: 's'.repeat(400), organizer: { name: 'n'.repeat(400), address: 'a@b.c' } });
    expect(row.subject).to.have.length(255);
    expect(row.organizerName).to.have.length(255);
  });
});
