/**
 * Each resource as the API shows it. The routes answer with these, and an event's `data` is the
 * same view of the resource after the change, so a receiver parses one shape per resource.
 * (Pure: entity types and the settings' own readers only, so the repositories can use it too.)
 */
import type {
  IntegrationEntity,
  RoomBookingEntity,
  RoomEntity,
  SyncRunEntity,
  UserEntity,
} from '../db/entities/index.js';
import { PENDING_EVENT_PREFIX } from '../db/entities/room-booking.entity.js';
import { shownStatusReason } from '../integrations/secret-expiry.js';
import { readRoomSettings, readUserSettings } from '../integrations/settings.schema.js';

export type UserViewSource = Pick<
  UserEntity,
  | 'id'
  | 'graphId'
  | 'userPrincipalName'
  | 'mail'
  | 'displayName'
  | 'accountEnabled'
  | 'active'
  | 'inactiveReason'
  | 'cardNumber'
>;

/** A user as the API shows it, with its groups (the fields are read one by one: no spread of the row, see user.repository.ts). */
export const userView = (u: UserViewSource, groupIds: string[]) => ({
  id: u.id,
  graphId: u.graphId,
  userPrincipalName: u.userPrincipalName,
  mail: u.mail,
  displayName: u.displayName,
  accountEnabled: Boolean(u.accountEnabled),
  active: Boolean(u.active),
  inactiveReason: u.inactiveReason,
  cardNumber: u.cardNumber,
  groupIds,
});

export type RoomViewSource = Omit<RoomEntity, 'integrationId' | 'createdAt' | 'updatedAt'>;

export const roomView = (r: RoomViewSource) => ({
  id: r.id,
  graphId: r.graphId,
  email: r.email,
  displayName: r.displayName,
  capacity: r.capacity,
  building: r.building,
  floorNumber: r.floorNumber,
  floorLabel: r.floorLabel,
  bookingType: r.bookingType,
  isWheelChairAccessible: r.isWheelChairAccessible,
  tags: r.tags ?? [],
  active: Boolean(r.active),
});

export type BookingViewSource = Omit<
  RoomBookingEntity,
  'integrationId' | 'changeKey' | 'seenRound' | 'declinedAt' | 'createdAt'
>;

/** `roomEmail`: the booking's room's mailbox (null when the room row is gone). */
export const bookingView = (b: BookingViewSource, roomEmail: string | null) => ({
  id: b.id,
  roomId: b.roomId,
  roomEmail,
  // A booking made in ONES has no id in the room's calendar until the room's delta brings its copy.
  graphEventId: b.graphEventId.startsWith(PENDING_EVENT_PREFIX) ? null : b.graphEventId,
  iCalUId: b.iCalUId,
  seriesMasterId: b.seriesMasterId,
  type: b.type,
  subject: b.subject,
  organizer: b.organizerEmail || b.organizerName ? { name: b.organizerName, email: b.organizerEmail } : null,
  start: b.startAt.toISOString(),
  end: b.endAt.toISOString(),
  isAllDay: Boolean(b.isAllDay),
  status: b.status,
  source: b.source,
  policyViolation: b.policyViolation ? (JSON.parse(b.policyViolation) as { rule: string; message: string }) : null,
  updatedAt: b.updatedAt.toISOString(),
});

export const syncRunView = (r: SyncRunEntity) => ({
  id: r.id,
  stream: r.stream,
  mode: r.mode,
  trigger: r.trigger,
  jobId: r.jobId,
  status: r.status,
  counts: { created: r.created, updated: r.updated, deactivated: r.deactivated, unchanged: r.unchanged },
  graphRequests: r.graphRequests,
  durationMs: r.durationMs,
  warnings: r.warnings ?? [],
  error: r.error,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
});

/** The API's view of an integration: never the secret, only its last three characters. */
export function integrationView(i: IntegrationEntity, now = new Date()) {
  return {
    id: i.id,
    name: i.name,
    cloud: i.cloud,
    tenantId: i.tenantId,
    clientId: i.clientId,
    clientSecret: { set: true, hint: `…${i.clientSecretHint}` },
    clientSecretExpiresAt: i.clientSecretExpiresAt?.toISOString() ?? null,
    endpoints: i.endpoints,
    status: i.status,
    statusReason: shownStatusReason(i.statusReason, i.clientSecretExpiresAt, now),
    roomSettings: readRoomSettings(i.roomSettings),
    userSettings: readUserSettings(i.userSettings),
    syncMode: i.syncMode,
    pollIntervalSeconds: i.pollIntervalSeconds,
    deactivationThreshold: i.deactivationThreshold,
    lastTest: i.lastTest ?? null,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
}
