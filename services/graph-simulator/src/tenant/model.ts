/** The simulated directory's records. Plain data: the Tenant class owns indexes and the change log. */

export type Cloud = 'global' | 'china';

export type UserState = 'active' | 'softDeleted' | 'hardDeleted';

export interface UserRecord {
  id: string;
  /** Graph property values (never-set properties are absent). Includes directory extensions. */
  props: Record<string, unknown>;
  state: UserState;
  /** Position in Tenant.users (stable; list/delta tokens point into it). */
  index: number;
  /** Sequence number of this user's latest change (0 = seeded, unchanged). */
  lastSeq: number;
  /** Sequence of the latest create / delete / restore. */
  lifeSeq: number;
  /** Sequence at which each property last changed (only for users changed after seeding). */
  propSeq?: Record<string, number>;
}

export interface RoomRecord {
  id: string;
  emailAddress: string;
  displayName: string;
  capacity?: number;
  building?: string;
  floorNumber?: number;
  floorLabel?: string;
  bookingType: 'standard' | 'reserved' | 'unknown';
  isWheelChairAccessible: boolean;
  tags: string[];
  nickname?: string;
  label?: string;
  phone?: string;
  audioDeviceName?: string;
  videoDeviceName?: string;
  displayDeviceName?: string;
  address?: Record<string, string>;
  hiddenFromGal: boolean;
  removed: boolean;
}

export interface RoomListRecord {
  id: string;
  emailAddress: string;
  displayName: string;
  roomEmails: string[];
}

export interface GroupRecord {
  id: string;
  displayName: string;
  mailNickname: string;
  mail?: string;
  description?: string;
  securityEnabled: boolean;
  mailEnabled: boolean;
  groupTypes: string[];
  createdDateTime: string;
  /** Ids of direct members: users or groups. */
  memberIds: string[];
}

export interface Attendee {
  name: string;
  address: string;
  type: 'required' | 'optional' | 'resource';
  response: string;
}

export interface EventRecord {
  id: string;
  /** The room mailbox whose calendar holds this copy ('' for a copy in a user's calendar). */
  roomId: string;
  /** A copy in a user's own calendar (the organizer's): that user's id. */
  ownerUserId?: string;
  subject: string;
  /** ISO instants (UTC). */
  start: string;
  end: string;
  organizer: { name: string; address: string };
  attendees: Attendee[];
  /** The room mailbox's own response to the meeting. */
  roomResponse: 'none' | 'accepted' | 'tentativelyAccepted' | 'declined';
  responseTime?: string;
  declineComment?: string;
  isCancelled: boolean;
  deleted: boolean;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  iCalUId: string;
  body?: string;
  lastSeq: number;
  /** Absent: singleInstance. A series is one seriesMaster (never in calendarView) and its occurrences. */
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId?: string;
  /** normal (absent) | personal | private | confidential */
  sensitivity?: 'normal' | 'personal' | 'private' | 'confidential';
  isAllDay?: boolean;
  /** Set by the app that created it; a second POST with the same value is dropped (the first is answered). */
  transactionId?: string;
  /** singleValueExtendedProperties of this copy, by property id. */
  extendedProperties?: Record<string, string>;
  /** A series master's recurrence (Graph's patternedRecurrence). */
  recurrence?: {
    pattern: { type: 'daily'; interval: number };
    range: { type: 'numbered' | 'noEnd'; startDate: string; numberOfOccurrences: number; recurrenceTimeZone: 'UTC' };
  };
}

/** A response or cancellation an organizer received (what Outlook would show in the inbox). */
export interface MeetingMessage {
  kind: 'declined' | 'cancelled';
  /** The event the message is about (the sender's copy). */
  eventId: string;
  iCalUId: string;
  from: string;
  to: string;
  comment: string;
  at: string;
}

export interface SecretRecord {
  keyId: string;
  value: string;
  hint: string;
  expiresAt: string;
}

export interface AppRecord {
  appId: string;
  displayName: string;
  secrets: SecretRecord[];
  /** Consented application permissions: they become the token's `roles`. */
  permissions: Set<string>;
  redirectUris: string[];
  servicePrincipalId: string;
}

export type ChangeKind = 'user' | 'event' | 'room' | 'group';

export interface ChangeEntry {
  seq: number;
  at: string;
  kind: ChangeKind;
  /** What happened in words (created, updated, disabled, softDeleted, restored, hardDeleted, booked, moved, cancelled, declined, removed). */
  op: string;
  id: string;
  /** For events: the room mailbox id. */
  roomId?: string;
  /** Graph changeType for notifications. */
  changeType: 'created' | 'updated' | 'deleted';
}
