import { expect } from 'chai';
import fc from 'fast-check';
import { rebaseDue, rebaseOffsetMs, windowAt } from '../../../../services/worker/src/sync/calendars/calendar-window.js';

const DAY = 24 * 3600 * 1000;

describe('calendar window', () => {
  it('spans the configured days back and ahead of now', () => {
    const now = new Date('2026-12-02T03:00:00.000Z');
    const w = windowAt(now, { past: 1, future: 180 });
    expect(w.start.toISOString()).to.equal('2026-12-01T03:00:00.000Z');
    expect(w.end.getTime() - now.getTime()).to.equal(180 * DAY);
  });

  it("spreads the rooms' re-base times over the day", () => {
    const hours = new Set(Array.from({ length: 200 }, (_, i) => Math.floor(rebaseOffsetMs(`room-${i}`) / 3600_000)));
    expect(hours.size).to.be.greaterThan(20);
  });

  it("re-bases each window exactly once a day, at its room's time of day", () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 0, max: 400 * DAY }),
        fc.integer({ min: 1, max: DAY - 1 }),
        (roomId, base, step) => {
          const basedAt = new Date(Date.UTC(2026, 0, 1) + base);
          const slot = rebaseOffsetMs(roomId);
          const midnight = Math.floor(basedAt.getTime() / DAY) * DAY;
          const next = midnight + slot > basedAt.getTime() ? midnight + slot : midnight + slot + DAY;
          // Not due before the room's next slot, due from it on (and always after a whole day).
          const before = basedAt.getTime() + (step % (next - basedAt.getTime()));
          expect(rebaseDue(roomId, basedAt, new Date(before))).to.equal(false);
          expect(rebaseDue(roomId, basedAt, new Date(next))).to.equal(true);
          expect(rebaseDue(roomId, basedAt, new Date(basedAt.getTime() + DAY))).to.equal(true);
        },
      ),
    );
  });
});
