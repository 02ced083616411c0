/** Places API JSON → GraphRoom / GraphRoomList. */
import type { GraphPhysicalAddress, GraphRoom, GraphRoomList, RoomBookingType } from './graph-types.js';
import { bool, int, obj, str, strings, type Json } from './map-util.js';

const BOOKING_TYPES = new Set<RoomBookingType>(['standard', 'reserved', 'unknown']);

export function mapRoom(raw: Json): GraphRoom | null {
  const id = str(raw.id);
  if (!id) return null;
  const bookingType = str(raw.bookingType);
  return {
    id,
    placeId: str(raw.placeId),
    emailAddress: str(raw.emailAddress),
    displayName: str(raw.displayName),
    nickname: str(raw.nickname),
    label: str(raw.label),
    capacity: nonNegative(int(raw.capacity)),
    building: str(raw.building),
    floorNumber: int(raw.floorNumber),
    floorLabel: str(raw.floorLabel),
    bookingType:
      bookingType === null
        ? null
        : BOOKING_TYPES.has(bookingType as RoomBookingType)
          ? (bookingType as RoomBookingType)
          : 'unknown',
    // The schema spells it with a capital C; accept the other spelling too.
    isWheelChairAccessible: bool(raw.isWheelChairAccessible ?? raw.isWheelchairAccessible),
    tags: strings(raw.tags),
    phone: str(raw.phone),
    address: mapAddress(raw.address),
    audioDeviceName: str(raw.audioDeviceName),
    videoDeviceName: str(raw.videoDeviceName),
    displayDeviceName: str(raw.displayDeviceName),
  };
}

export function mapRoomList(raw: Json): GraphRoomList | null {
  const id = str(raw.id);
  if (!id) return null;
  return { id, emailAddress: str(raw.emailAddress), displayName: str(raw.displayName) };
}

function mapAddress(v: unknown): GraphPhysicalAddress | null {
  const a = obj(v);
  if (!a) return null;
  return {
    street: str(a.street),
    city: str(a.city),
    state: str(a.state),
    postalCode: str(a.postalCode),
    countryOrRegion: str(a.countryOrRegion),
  };
}

function nonNegative(n: number | null): number | null {
  return n !== null && n >= 0 ? n : null;
}
