/**
 * A sync stream as a value. One integration has a `users` stream, a `rooms` stream and (with room
 * calendars) one `calendar:<roomId>` stream per synced room. This file is the one place that
 * formats and parses a stream key and derives what is named after it (BullMQ deduplication id).
 */
export type StreamRef = { kind: 'users' } | { kind: 'rooms' } | { kind: 'calendar'; roomId: string };
export type StreamKind = StreamRef['kind'];
export type StreamKey = 'users' | 'rooms' | `calendar:${string}`;

/** The stream columns hold 80 characters; a room id is a UUID (36). */
const MAX_KEY_LENGTH = 80;
const CALENDAR_PREFIX = 'calendar:';

export function formatStreamKey(ref: StreamRef): StreamKey {
  return ref.kind === 'calendar' ? `${CALENDAR_PREFIX}${ref.roomId}` : ref.kind;
}

/** The stream a stored key names, or null when it names none (a typo, a format of another version). */
export function parseStreamKey(raw: string): StreamRef | null {
  if (raw === 'users' || raw === 'rooms') return { kind: raw };
  if (raw.length > MAX_KEY_LENGTH || !raw.startsWith(CALENDAR_PREFIX)) return null;
  const roomId = raw.slice(CALENDAR_PREFIX.length);
  return /^[A-Za-z0-9-]+$/.test(roomId) ? { kind: 'calendar', roomId } : null;
}

/** BullMQ deduplication id: one per stream of one integration (`users:<integrationId>`). */
export function streamDedupId(stream: StreamKey, integrationId: string): string {
  return `${stream}:${integrationId}`;
}
