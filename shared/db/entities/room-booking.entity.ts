import { Entity, Index } from 'typeorm';
import {
  boolColumn,
  createdAtColumn,
  dateColumn,
  fkColumn,
  stringColumn,
  textColumn,
  idColumn,
  updatedAtColumn,
} from './columns.js';

/** The kinds of booking calendarView gives: a single event, an occurrence or exception of a series, a series master. */
export type BookingType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
export type BookingStatus = 'confirmed' | 'tentative' | 'cancelled' | 'declined' | 'released';
/** `ones`: this service wrote the booking to Outlook; `outlook`: everything else. */
export type BookingSource = 'outlook' | 'ones';

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
  @createdAtColumn() createdAt!: Date;
  @updatedAtColumn() updatedAt!: Date;
}
