import { Entity, Index } from 'typeorm';
import { bigintColumn, dateColumn, fkColumn, idColumn, stringColumn, textColumn } from './columns.js';

/** What an event says happened (contract.md, "Events (to ONES)"). */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'room.created',
  'room.updated',
  'room.deactivated',
  'booking.created',
  'booking.updated',
  'booking.cancelled',
  'booking.declined',
  'booking.released',
  'integration.status_changed',
  'sync_run.finished',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The events outbox: one row per change, written in the transaction of the change. `seq` is null
 * until the row is published: a publishing pass (one at a time, under the event_sequence row's
 * lock) gives every committed, unpublished row the pass's number, so (seq, id) orders events the
 * way they became visible and a reader's cursor never skips a row that committed late. Replay
 * and delivery read published rows only.
 */
@Entity('events')
@Index('ix_events_seq', ['seq', 'id'])
@Index('ix_events_integration_seq', ['integrationId', 'seq', 'id'])
export class EventEntity {
  /** Time-ordered (UUID version 7 layout, monotonic within a process), stable: receivers deduplicate by it. */
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @stringColumn('type', 40) type!: EventType;
  @dateColumn('occurred_at') occurredAt!: Date;
  /** The resource as the API shows it, as JSON text (sent as it is stored). */
  @textColumn('data') data!: string;
  @bigintColumn('seq', { nullable: true }) seq!: number | null;
}

/** The publishing passes' counter: one row (`events`), locked by the pass that increments it. */
@Entity('event_sequence')
export class EventSequenceEntity {
  @idColumn() id!: string;
  @bigintColumn('last_seq', { default: 0 }) lastSeq!: number;
}
