import { expect } from 'chai';
import { eventIdFloor, eventIdTime, newEventId } from '@ones-m365/shared/db';

describe('events: ids', () => {
  it('are UUIDs in the version 7 layout, unique, and sort as they were made (even many in one millisecond)', () => {
    const at = Date.parse('2026-12-02T12:00:00Z');
    const ids = Array.from({ length: 10_000 }, () => newEventId(at));
    for (const id of ids.slice(0, 5))
      expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal(ids);
  });

  it('tell their age: ids made before a time sort below its floor', () => {
    const at = new Date('2026-12-03T00:00:00Z');
    const before = newEventId(at.getTime() + 10_000);
    expect(eventIdTime(before).getTime()).to.be.at.least(at.getTime());
    expect(before > eventIdFloor(at)).to.equal(true);
    expect(eventIdFloor(new Date(at.getTime() + 60_000)) > before).to.equal(true);
  });
});
