import { Column, Entity, Index } from 'typeorm';
import {
  createdAtColumn,
  dateColumn,
  idColumn,
  intColumn,
  jsonColumn,
  stringColumn,
  textColumn,
  updatedAtColumn,
} from './columns.js';

export type Cloud = 'global' | 'china';
export type IntegrationStatus = 'draft' | 'enabled' | 'disabled' | 'error';
export type SyncMode = 'webhooks' | 'polling';

@Entity('integrations')
@Index('uq_integrations_live_key', ['liveKey'], { unique: true })
export class IntegrationEntity {
  @idColumn() id!: string;
  @stringColumn('name', 120) name!: string;
  @stringColumn('cloud', 16) cloud!: Cloud;
  @stringColumn('tenant_id', 255) tenantId!: string;
  /**
   * The tenant's GUID as tokens carry it (`tid`), learned from the first token when the admin
   * typed a domain as the tenant: Graph's notifications name the tenant by GUID.
   */
  @stringColumn('tenant_guid', 36, { nullable: true }) tenantGuid!: string | null;
  @stringColumn('client_id', 36) clientId!: string;
  /** AES-256-GCM sealed (`SecretBox`), bound to the integration id. */
  @textColumn('client_secret_sealed') clientSecretSealed!: string;
  /** Last 3 characters, the only part ever shown. */
  @stringColumn('client_secret_hint', 8) clientSecretHint!: string;
  /** When the client secret expires (the portal's *Expires*), as the admin entered it; feeds the expiry warnings. */
  @dateColumn('client_secret_expires_at', { nullable: true }) clientSecretExpiresAt!: Date | null;
  @jsonColumn('endpoints', { nullable: true }) endpoints!: { login: string; graph: string } | null;
  @stringColumn('status', 16, { default: 'draft' }) status!: IntegrationStatus;
  @stringColumn('status_reason', 500, { nullable: true }) statusReason!: string | null;
  @stringColumn('sync_mode', 16, { default: 'webhooks' }) syncMode!: SyncMode;
  @intColumn('poll_interval_seconds', { default: 300 }) pollIntervalSeconds!: number;
  @jsonColumn('room_settings', { nullable: true }) roomSettings!: unknown;
  @jsonColumn('user_settings', { nullable: true }) userSettings!: unknown;
  @jsonColumn('last_test', { nullable: true }) lastTest!: unknown;
  /** Share of active users one run may deactivate before it stops and asks (0..1). */
  @Column({ name: 'deactivation_threshold', type: 'float', default: '0.2' }) deactivationThreshold!: number;
  @createdAtColumn() createdAt!: Date;
  @updatedAtColumn() updatedAt!: Date;
  /**
   * `cloud|tenant|client id` (lowercased, the tenant as entered) while the integration is live,
   * null once deleted: its unique index allows one live integration per tenant and app, however
   * many requests race, and a deleted one can be created again (integration-live-key.ts).
   */
  @stringColumn('live_key', 320, { nullable: true }) liveKey!: string | null;
  /** Set by DELETE: the row stays so synced rooms/users/bookings keep their owner. */
  @dateColumn('deleted_at', { nullable: true }) deletedAt!: Date | null;
}
