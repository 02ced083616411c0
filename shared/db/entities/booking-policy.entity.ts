import { Entity, Index } from 'typeorm';
import { fkColumn, idColumn, jsonColumn, updatedAtColumn } from './columns.js';

@Entity('booking_policies')
@Index('uq_booking_policies_integration', ['integrationId'], { unique: true })
export class BookingPolicyEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @jsonColumn('policy') policy!: unknown;
  @updatedAtColumn() updatedAt!: Date;
}
