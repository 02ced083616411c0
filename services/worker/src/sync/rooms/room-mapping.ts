/** Pure mapping of Places API rooms to ONES room rows, and the admin's room selection. */
import type { RoomEntity, RoomRow } from '@ones-m365/shared/db';
import type { GraphRoom } from '@ones-m365/shared/graph';
import type { RoomSettings } from '@ones-m365/shared/integrations';
import { clip } from '../clip.js';

/** Null when the room has no email address (rooms are keyed by email). */
export function toRoomRow(room: GraphRoom, integrationId: string): RoomRow | null {
  const email = room.emailAddress?.trim().toLowerCase();
  if (!email) return null;
  return {
    integrationId,
    email,
    graphId: clip(room.id, 255),
    displayName: clip(room.displayName ?? email, 255)!,
    capacity: room.capacity,
    building: clip(room.building, 255),
    floorNumber: room.floorNumber,
    floorLabel: clip(room.floorLabel, 255),
    bookingType: room.bookingType,
    isWheelChairAccessible: room.isWheelChairAccessible,
    tags: room.tags,
  };
}

/** A predicate on lower-cased emails: every room, or the selected ones. */
export function roomSelector(settings: RoomSettings): (email: string) => boolean {
  if (settings.mode === 'all') return () => true;
  const chosen = new Set((settings.roomEmails ?? []).map((e) => e.toLowerCase()));
  return (email) => chosen.has(email);
}

export function roomChanged(stored: RoomEntity, row: RoomRow): boolean {
  return (
    !stored.active ||
    stored.graphId !== row.graphId ||
    stored.displayName !== row.displayName ||
    stored.capacity !== row.capacity ||
    stored.building !== row.building ||
    stored.floorNumber !== row.floorNumber ||
    stored.floorLabel !== row.floorLabel ||
    stored.bookingType !== row.bookingType ||
    (stored.isWheelChairAccessible === null ? null : Boolean(stored.isWheelChairAccessible)) !==
      row.isWheelChairAccessible ||
    JSON.stringify(stored.tags ?? []) !== JSON.stringify(row.tags ?? [])
  );
}
