import { Entity, Index } from 'typeorm';
import { createdAtColumn, fkColumn, idColumn, jsonColumn, stringColumn } from './columns.js';

/**
 * The job outbox: follow-up work of a write (a sync to start, subscriptions to reconcile), stored
 * in the same transaction as the write, then moved into BullMQ (by the api right after the commit,
 * or by the worker's drainer when Redis was away). A row is deleted in the transaction that
 * enqueued it, so each one is enqueued once.
 */
@Entity('pending_jobs')
@Index('ix_pending_jobs_integration', ['integrationId'])
@Index('ix_pending_jobs_created', ['createdAt'])
export class PendingJobEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  /** `sync` or `reconcile` (see shared/outbox). */
  @stringColumn('kind', 16) kind!: string;
  @jsonColumn('payload') payload!: unknown;
  @createdAtColumn() createdAt!: Date;
}
