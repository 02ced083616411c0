import { expect } from 'chai';
import fc from 'fast-check';
import {
  formatStreamKey,
  isSyncedStream,
  parseStreamKey,
  streamDedupId,
  streamKindOf,
  streamsOf,
  type StreamRef,
} from '@ones-m365/shared/sync';

describe('stream keys and the stream registry', () => {
  const roomId = fc.uuid();
  const ref: fc.Arbitrary<StreamRef> = fc.oneof(
    fc.constant({ kind: 'users' as const }),
    fc.constant({ kind: 'rooms' as const }),
    roomId.map((id) => ({ kind: 'calendar' as const, roomId: id })),
  );

  it('parse(format(ref)) is ref, for every kind of stream', () => {
    fc.assert(
      fc.property(ref, (r) => {
        expect(parseStreamKey(formatStreamKey(r))).to.deep.equal(r);
      }),
    );
  });

  it('a key that names no stream parses to null', () => {
    for (const raw of [
      '',
      'Users',
      'user',
      'calendar:',
      'calendar:a b',
      'calendar:x/y',
      `calendar:${'a'.repeat(80)}`,
      'bookings:1',
    ]) {
      expect(parseStreamKey(raw), raw).to.equal(null);
    }
  });

  it('only registered kinds are synced: users, rooms and room calendars', () => {
    expect(isSyncedStream('users')).to.equal(true);
    expect(isSyncedStream('rooms')).to.equal(true);
    expect(isSyncedStream('calendar:3f1c2a9e-0000-4000-8000-000000000001')).to.equal(true);
    expect(streamKindOf('calendar:3f1c2a9e-0000-4000-8000-000000000001')!.followsChanges).to.equal(true);
    expect(isSyncedStream('nonsense')).to.equal(false);
    expect(streamKindOf('users')!.followsChanges).to.equal(true);
    expect(streamKindOf('rooms')!.followsChanges).to.equal(false);
  });

  it('streamsOf: every stream of the integration, rooms first, then users, then one calendar per room', () => {
    expect(streamsOf({ id: 'i1' }, [{ id: 'r1' }])).to.deep.equal([
      { integrationId: 'i1', stream: 'rooms' },
      { integrationId: 'i1', stream: 'users' },
      { integrationId: 'i1', stream: 'calendar:r1' },
    ]);
  });

  it('the dedupe id names the stream and the integration (one waiting run per stream)', () => {
    fc.assert(
      fc.property(ref, ref, fc.uuid(), fc.uuid(), (a, b, i, j) => {
        const same = formatStreamKey(a) === formatStreamKey(b) && i === j;
        expect(streamDedupId(formatStreamKey(a), i) === streamDedupId(formatStreamKey(b), j)).to.equal(same);
      }),
    );
  });
});
