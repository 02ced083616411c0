import { expect } from 'chai';
import {
  parseCalendarState,
  serializeCalendarState,
  type CalendarState,
} from '../../../../services/worker/src/sync/calendars/calendar-state.js';

const state: CalendarState = {
  window: { start: '2026-12-01T00:00:00.000Z', end: '2027-05-30T00:00:00.000Z' },
  basedAt: '2026-12-02T00:00:00.000Z',
  marker: 'm1',
};

describe('calendar stream state', () => {
  it('round-trips, with and without a round under way', () => {
    expect(parseCalendarState(serializeCalendarState(state))).to.deep.equal(state);
    const running = { ...state, round: { mode: 'full' as const, link: 'https://graph/next' } };
    expect(parseCalendarState(serializeCalendarState(running))).to.deep.equal(running);
  });

  it('reads a missing, unreadable or foreign checkpoint as none (the stream then loads in full)', () => {
    for (const raw of [
      null,
      undefined,
      '',
      '{',
      '[]',
      '{"mode":"full","phase":"list"}',
      JSON.stringify({ ...state, basedAt: 'yesterday' }),
    ]) {
      expect(parseCalendarState(raw), String(raw)).to.equal(null);
    }
  });

  it('drops a round of an unknown mode but keeps the window', () => {
    expect(parseCalendarState(JSON.stringify({ ...state, round: { mode: 'sideways', link: 'x' } }))).to.deep.equal(
      state,
    );
  });
});
