import { Entity, Index } from 'typeorm';
import { dateColumn, fkColumn, idColumn, intColumn, jsonColumn, stringColumn, textColumn } from './columns.js';

/** `confirmed`: a `needs_confirmation` run an admin confirmed; the follow-up run may deactivate. */
export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'needs_confirmation' | 'confirmed';

/** One row per run of a sync job: what triggered it, what it changed, what it cost. */
@Entity('sync_runs')
@Index('ix_sync_runs_integration_started', ['integrationId', 'startedAt'])
export class SyncRunEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @stringColumn('stream', 80) stream!: string;
  @stringColumn('mode', 16) mode!: string;
  @stringColumn('trigger', 32) trigger!: string;
  @stringColumn('job_id', 128, { nullable: true }) jobId!: string | null;
  @stringColumn('status', 24) status!: SyncRunStatus;
  @intColumn('created_count', { default: 0 }) created!: number;
  @intColumn('updated_count', { default: 0 }) updated!: number;
  @intColumn('deactivated_count', { default: 0 }) deactivated!: number;
  @intColumn('unchanged_count', { default: 0 }) unchanged!: number;
  @intColumn('graph_requests', { default: 0 }) graphRequests!: number;
  @intColumn('duration_ms', { nullable: true }) durationMs!: number | null;
  @jsonColumn('warnings', { nullable: true }) warnings!: string[] | null;
  @textColumn('error', { nullable: true }) error!: string | null;
  @dateColumn('started_at') startedAt!: Date;
  @dateColumn('finished_at', { nullable: true }) finishedAt!: Date | null;
}
