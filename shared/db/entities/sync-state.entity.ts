import { Entity, Index } from 'typeorm';
import { dateColumn, fkColumn, idColumn, stringColumn, textColumn, updatedAtColumn } from './columns.js';

/**
 * One row per stream (`users`, `rooms`, `calendar:<roomId>`): the stored deltaLink, and the
 * nextLink checkpoint of a run in progress so a crashed run resumes instead of starting over.
 */
@Entity('sync_states')
@Index('uq_sync_states_stream', ['integrationId', 'stream'], { unique: true })
export class SyncStateEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @stringColumn('stream', 80) stream!: string;
  @textColumn('delta_link', { nullable: true }) deltaLink!: string | null;
  @textColumn('checkpoint', { nullable: true }) checkpoint!: string | null;
  @stringColumn('status', 24, { default: 'idle' }) status!: string;
  @textColumn('last_error', { nullable: true }) lastError!: string | null;
  @dateColumn('last_synced_at', { nullable: true }) lastSyncedAt!: Date | null;
  @updatedAtColumn() updatedAt!: Date;
}
