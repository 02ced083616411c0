import { Entity, Index } from 'typeorm';
import {
  boolColumn,
  createdAtColumn,
  dateColumn,
  fkColumn,
  stringColumn,
  textColumn,
  idColumn,
  intColumn,
  updatedAtColumn,
} from './columns.js';

/** The kinds of booking calendarView gives: a single event, an occurrence or exception of a series, a series master. */
export type BookingType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
export type BookingStatus = 'confirmed' | 'tentative' | 'cancelled' | 'declined' | 'released';
/** `ones`: this service wrote the booking to Outlook; `outlook`: everything else. */
export type BookingSource = 'outlook' | 'ones';

/** The prefix of a booking made in ONES whose room copy the room's delta has not brought yet. */
export const PENDING_EVENT_PREFIX = 'ones:';

/** A booking of a room mirrored from the room mailbox's calendar. */
@Entity('room_bookings')
@Index('uq_room_bookings_event', ['roomId', 'graphEventId'], { unique: true })
@Index('ix_room_bookings_window', ['integrationId', 'roomId', 'startAt'])
export class RoomBookingEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @fkColumn('room_id') roomId!: string;
  @stringColumn('graph_event_id', 255) graphEventId!: string;
  @stringColumn('ical_uid', 255, { nullable: true }) iCalUId!: string | null;
  @stringColumn('series_master_id', 255, { nullable: true }) seriesMasterId!: string | null;
  @stringColumn('event_type', 16, { default: 'singleInstance' }) type!: BookingType;
  @stringColumn('change_key', 255, { nullable: true }) changeKey!: string | null;
  @stringColumn('subject', 255, { nullable: true }) subject!: string | null;
  @stringColumn('organizer_email', 320, { nullable: true }) organizerEmail!: string | null;
  @stringColumn('organizer_name', 255, { nullable: true }) organizerName!: string | null;
  @dateColumn('start_at') startAt!: Date;
  @dateColumn('end_at') endAt!: Date;
  @boolColumn('is_all_day', { default: false }) isAllDay!: boolean;
  @stringColumn('status', 16, { default: 'confirmed' }) status!: BookingStatus;
  @stringColumn('source', 16, { default: 'outlook' }) source!: BookingSource;
  /** The full round of the room's calendar that last saw the booking (the window sweep keys on it). */
  @stringColumn('seen_round', 36, { nullable: true }) seenRound!: string | null;
  @textColumn('policy_violation', { nullable: true }) policyViolation!: string | null;
  @dateColumn('declined_at', { nullable: true }) declinedAt!: Date | null;
  /** When the booking was made, or last changed in what the policy looks at (notice, window, conflicts). */
  @dateColumn('booked_at', { nullable: true }) bookedAt!: Date | null;
  /** SHA-256 of what the policy looks at (times, all-day, organizer, attendees, series): a change re-checks it. */
  @stringColumn('fingerprint', 64, { nullable: true }) fingerprint!: string | null;
  /** People invited (the organizer and every attendee that is not a resource). */
  @intColumn('attendee_count', { nullable: true }) attendeeCount!: number | null;
  /** A booking made in ONES: the mailbox whose calendar it was written to (the organizer's, or the room's). */
  @stringColumn('written_mailbox', 320, { nullable: true }) writtenMailbox!: string | null;
  /** A booking made in ONES: the event's id in that mailbox (what PATCH and DELETE address). */
  @stringColumn('written_event_id', 255, { nullable: true }) writtenEventId!: string | null;
  @createdAtColumn() createdAt!: Date;
  @updatedAtColumn() updatedAt!: Date;
}
