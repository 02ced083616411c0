import { Entity, Index } from 'typeorm';
import {
  createdAtColumn,
  dateColumn,
  fkColumn,
  intColumn,
  stringColumn,
  textColumn,
  idColumn,
  updatedAtColumn,
} from './columns.js';

/** Why the room declines: a broken policy rule (found on import or by a recheck), or a release for no check-in. */
export type DeclineReason = 'policy' | 'recheck' | 'release';
/**
 * `pending`: recorded, not yet answered by Graph (a crash or a 429 leaves it so: the next run of the
 * room, or the decline job, sends it); `declined`: Graph took it (202); `not_found`: the event was
 * already gone (404); `failed`: Graph refused it for good (the error is kept).
 */
export type DeclineStatus = 'pending' | 'declined' | 'not_found' | 'failed';

/**
 * One decline of one version of a room's event: recorded, under the room's stream lease, before
 * Graph is called, and unique per (room, event, changeKey), so a retry, a duplicate notification or
 * a second worker never declines the same version twice. A series is declined through its master
 * (`graphEventId` = the master's id, `changeKey` = the master's).
 */
@Entity('booking_declines')
@Index('uq_booking_declines_version', ['roomId', 'graphEventId', 'changeKey'], { unique: true })
@Index('ix_booking_declines_pending', ['roomId', 'status'])
export class BookingDeclineEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @fkColumn('room_id') roomId!: string;
  /** The booking it was recorded for (a series: one of its occurrences). */
  @fkColumn('booking_id') bookingId!: string;
  @stringColumn('graph_event_id', 255) graphEventId!: string;
  /** '' when Graph sent none. */
  @stringColumn('change_key', 255, { default: '' }) changeKey!: string;
  /** The series master's id when the whole series is declined; null for one booking. */
  @stringColumn('series_master_id', 255, { nullable: true }) seriesMasterId!: string | null;
  @stringColumn('reason', 16) reason!: DeclineReason;
  /** The broken rule's key (policy and recheck declines). */
  @stringColumn('rule', 32, { nullable: true }) rule!: string | null;
  @textColumn('comment') comment!: string;
  @stringColumn('status', 16, { default: 'pending' }) status!: DeclineStatus;
  @intColumn('attempts', { default: 0 }) attempts!: number;
  @textColumn('last_error', { nullable: true }) lastError!: string | null;
  @dateColumn('answered_at', { nullable: true }) answeredAt!: Date | null;
  @createdAtColumn() createdAt!: Date;
  @updatedAtColumn() updatedAt!: Date;
}
