import { Column, Entity, Index } from 'typeorm';
import { bigintColumn, dateColumn, fkColumn, idColumn, intColumn, stringColumn } from './columns.js';

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

/** How a batch's payload is compressed: raw deflate (rows written before brotli), or brotli. */
export type EventCodec = 'deflate' | 'brotli';

/**
 * The events outbox, a row per batch of one integration's events written together (a page's
 * events are one or a few rows, not one per event: a 100,000-user load writes about 200 rows
 * beside its users, so it stays about as fast as without events). The events themselves are
 * in `payload`, compressed, in the order written; an event's position is (seq, batch id, index).
 *
 * `seq` is null until the batch is published: a publishing pass (one at a time, under the
 * event_sequence row's lock) gives every committed, unpublished batch the pass's number, so
 * (seq, id) orders batches the way they became visible and a reader's cursor never skips one
 * that committed late. Replay and delivery read published batches only.
 */
@Entity('event_batches')
@Index('ix_event_batches_seq', ['seq', 'id'])
@Index('ix_event_batches_integration_seq', ['integrationId', 'seq', 'id'])
export class EventBatchEntity {
  /** The id of its first event (event ids are time-ordered and monotonic within a process). */
  @idColumn() id!: string;
  /** The id of its last event. */
  @stringColumn('last_id', 36) lastId!: string;
  @fkColumn('integration_id') integrationId!: string;
  @intColumn('event_count') count!: number;
  /** The distinct types of its events, `,user.created,user.updated,` (a replay by type skips the others). */
  @stringColumn('types', 600) types!: string;
  @dateColumn('occurred_at') occurredAt!: Date;
  /** Its events compressed (`codec`), one UTF-8 line each: `<id>\t<type>\t\t<data JSON>` (older rows: `<id>\t<type>\t<event JSON>`). */
  @Column({ name: 'payload', type: 'blob' }) payload!: Buffer;
  @stringColumn('codec', 8, { default: 'deflate' }) codec!: EventCodec;
  @bigintColumn('seq', { nullable: true }) seq!: number | null;
}

/** The publishing passes' counter: one row (`events`), locked by the pass that increments it. */
@Entity('event_sequence')
export class EventSequenceEntity {
  @idColumn() id!: string;
  @bigintColumn('last_seq', { default: 0 }) lastSeq!: number;
}
