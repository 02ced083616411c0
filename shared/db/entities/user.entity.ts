import { Entity, Index } from 'typeorm';
import { boolColumn, createdAtColumn, fkColumn, idColumn, stringColumn, updatedAtColumn } from './columns.js';

/** An Entra ID user mirrored into ONES, keyed by its (immutable) object id. */
@Entity('users')
@Index('uq_users_integration_graph', ['integrationId', 'graphId'], { unique: true })
@Index('ix_users_integration_card', ['integrationId', 'cardNumber'])
export class UserEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @stringColumn('graph_id', 36) graphId!: string;
  @stringColumn('user_principal_name', 320, { nullable: true }) userPrincipalName!: string | null;
  @stringColumn('mail', 320, { nullable: true }) mail!: string | null;
  @stringColumn('display_name', 255, { nullable: true }) displayName!: string | null;
  @boolColumn('account_enabled', { default: true }) accountEnabled!: boolean;
  @boolColumn('active', { default: true }) active!: boolean;
  /** Why the user is inactive: disabled, soft_deleted, deleted, out_of_scope. */
  @stringColumn('inactive_reason', 32, { nullable: true }) inactiveReason!: string | null;
  @stringColumn('card_number', 128, { nullable: true }) cardNumber!: string | null;
  /** Id of the last full load that saw the user in the tenant (mark-and-sweep of leavers). */
  @stringColumn('sync_marker', 36, { nullable: true }) syncMarker!: string | null;
  @createdAtColumn() createdAt!: Date;
  @updatedAtColumn() updatedAt!: Date;
}
