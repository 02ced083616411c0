import { expect } from 'chai';
import type { RoomEntity } from '@ones-m365/shared/db';
import type { GraphRoom } from '@ones-m365/shared/graph';
import { walkWarnings } from '../../../../services/worker/src/jobs/rooms-sync.job.js';
import { roomSelector, toRoomRow } from '../../../../services/worker/src/sync/rooms/room-mapping.js';
import { roomCounts, roomsPageRows } from '../../../../services/worker/src/sync/rooms/rooms-page.js';

const room = (email: string | null, over: Partial<GraphRoom> = {}): GraphRoom => ({
  id: `id-${email}`,
  placeId: null,
  emailAddress: email,
  displayName: email,
  nickname: null,
  label: null,
  capacity: 4,
  building: null,
  floorNumber: null,
  floorLabel: null,
  bookingType: 'standard',
  isWheelChairAccessible: null,
  tags: [],
  phone: null,
  address: null,
  audioDeviceName: null,
  videoDeviceName: null,
  displayDeviceName: null,
  ...over,
});

describe('rooms page', () => {
  it('keeps the selected rooms not seen earlier in the walk, and counts those without an email', () => {
    const selected = roomSelector({ mode: 'selected', roomEmails: ['A@x.com', 'b@x.com'] });
    const r = roomsPageRows(
      [room('a@x.com'), room('B@X.com'), room('c@x.com'), room(null), room('b@x.com')],
      'i1',
      selected,
      new Set(['b@x.com']),
    );
    expect(r.rows.map((x) => x.email)).to.deep.equal(['a@x.com']);
    expect(r.skipped).to.equal(1);
  });

  it('counts created, updated and unchanged rows against the stored ones', () => {
    const rows = ['a@x.com', 'b@x.com', 'c@x.com'].map((e) => toRoomRow(room(e), 'i1')!);
    const asStored = (e: string, over: Partial<RoomEntity> = {}) => ({
      ...toRoomRow(room(e), 'i1')!,
      id: e,
      active: true,
      createdAt: new Date(0),
      updatedAt: new Date(0),
      ...over,
    });
    expect(roomCounts(rows, [asStored('b@x.com'), asStored('c@x.com', { capacity: 99 })])).to.deep.equal({
      created: 1,
      updated: 1,
      unchanged: 1,
    });
    expect(roomCounts(rows.slice(1, 2), [asStored('b@x.com', { active: false })])).to.deep.equal({
      created: 0,
      updated: 1,
      unchanged: 0,
    });
  });

  it('a complete walk names the selected rooms the tenant lacks and the rooms it ignored', () => {
    expect(
      walkWarnings({ mode: 'selected', roomEmails: ['A@x.com', 'gone@x.com'] }, new Set(['a@x.com']), 2),
    ).to.deep.equal([
      '1 selected room(s) not found in the tenant: gone@x.com',
      '2 room(s) without an email address ignored',
    ]);
    expect(walkWarnings({ mode: 'all' }, new Set(), 0)).to.deep.equal([]);
  });
});
