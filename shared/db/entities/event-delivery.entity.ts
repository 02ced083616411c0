import { Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn, dateColumn, intColumn, stringColumn, textColumn, updatedAtColumn } from './columns.js';

/**
 * Delivery of one integration's events to EVENTS_WEBHOOK_URL: how far the receiver acknowledged
 * (a cursor into the published events), how far publishing got (`headSeq`), and the state of a
 * failing streak. Each integration has its own row, so one whose batches fail waits on its own
 * backoff while the others are delivered.
 */
@Entity('event_deliveries')
export class EventDeliveryEntity {
  /** The integration's id. */
  @PrimaryColumn({ name: 'integration_id', type: 'varchar', length: 36 }) integrationId!: string;
  /** The integration's newest published event: (seq, batch id, index in the batch). */
  @bigintColumn('head_seq', { default: 0 }) headSeq!: number;
  @stringColumn('head_id', 36, { default: '' }) headId!: string;
  @intColumn('head_index', { default: -1 }) headIndex!: number;
  /** The last event acknowledged (or given up on): (seq, batch id, index in the batch). */
  @bigintColumn('cursor_seq', { default: 0 }) cursorSeq!: number;
  @stringColumn('cursor_id', 36, { default: '' }) cursorId!: string;
  @intColumn('cursor_index', { default: -1 }) cursorIndex!: number;
  /** The id of that event ('' before the first). */
  @stringColumn('cursor_event_id', 36, { default: '' }) cursorEventId!: string;
  /** Failed attempts in the current streak (0: delivering). */
  @intColumn('attempts', { default: 0 }) attempts!: number;
  @dateColumn('failing_since', { nullable: true }) failingSince!: Date | null;
  @dateColumn('next_attempt_at', { nullable: true }) nextAttemptAt!: Date | null;
  @textColumn('last_error', { nullable: true }) lastError!: string | null;
  @dateColumn('last_delivered_at', { nullable: true }) lastDeliveredAt!: Date | null;
  @bigintColumn('delivered_total', { default: 0 }) deliveredTotal!: number;
  /** Events given up on after 24 hours of failed attempts, in total, and the latest such range. */
  @bigintColumn('given_up_total', { default: 0 }) givenUpTotal!: number;
  @dateColumn('given_up_at', { nullable: true }) givenUpAt!: Date | null;
  /** The replay cursor (an event id) from which the given-up events can be read again, and their count. */
  @stringColumn('given_up_after', 36, { nullable: true }) givenUpAfter!: string | null;
  @intColumn('given_up_count', { default: 0 }) givenUpCount!: number;
  @updatedAtColumn() updatedAt!: Date;
}
