import { Entity, Index } from 'typeorm';
import { createdAtColumn, dateColumn, fkColumn, idColumn, stringColumn, updatedAtColumn } from './columns.js';

/** A Graph change-notification subscription. Only a hash of its clientState is stored. */
@Entity('graph_subscriptions')
@Index('uq_graph_subscriptions_graph_id', ['graphSubscriptionId'], { unique: true })
@Index('ix_graph_subscriptions_integration', ['integrationId'])
export class GraphSubscriptionEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @stringColumn('graph_subscription_id', 64) graphSubscriptionId!: string;
  @stringColumn('resource', 400) resource!: string;
  @stringColumn('change_type', 64) changeType!: string;
  @stringColumn('stream', 80) stream!: string;
  @stringColumn('client_state_hash', 64) clientStateHash!: string;
  @dateColumn('expires_at') expiresAt!: Date;
  @stringColumn('status', 24, { default: 'active' }) status!: string;
  @createdAtColumn() createdAt!: Date;
  @updatedAtColumn() updatedAt!: Date;
}
