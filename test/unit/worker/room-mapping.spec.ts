import { expect } from 'chai';
import type { GraphRoom } from '@ones-m365/shared/graph';
import { toRoomRow } from '../../../services/worker/src/sync/rooms/room-mapping.js';

const room = (over: Partial<GraphRoom>): GraphRoom => ({
  id: 'r1',
  placeId: null,
  emailAddress: 'Room1@Contoso.com',
  displayName: 'Room 1',
  nickname: null,
  label: null,
  capacity: 8,
  building: 'HQ',
  floorNumber: 2,
  floorLabel: '2F',
  bookingType: 'standard',
  isWheelChairAccessible: true,
  tags: ['tv'],
  phone: null,
  address: null,
  audioDeviceName: null,
  videoDeviceName: null,
  displayDeviceName: null,
  ...over,
});

describe('toRoomRow', () => {
  it('keys the room by its lower-cased email and skips rooms without one', () => {
    expect(toRoomRow(room({}), 'i')).to.include({
      email: 'room1@contoso.com',
      displayName: 'Room 1',
      capacity: 8,
      building: 'HQ',
    });
    expect(toRoomRow(room({ emailAddress: null }), 'i')).to.equal(null);
    expect(toRoomRow(room({ emailAddress: '  ' }), 'i')).to.equal(null);
  });

  it('fits long names, buildings and floor labels into their 255-character columns without splitting an emoji', () => {
    const long = `${'x'.repeat(254)}🏢🏢`;
    const row = toRoomRow(room({ displayName: long, building: long, floorLabel: long }), 'i')!;
    for (const v of [row.displayName, row.building, row.floorLabel]) {
      expect([...v!]).to.have.length(255);
      expect(v!.endsWith('🏢')).to.equal(true);
    }
  });
});
