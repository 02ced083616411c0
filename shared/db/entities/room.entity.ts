import { Entity, Index } from 'typeorm';
import {
  boolColumn,
  createdAtColumn,
  fkColumn,
  idColumn,
  intColumn,
  jsonColumn,
  stringColumn,
  updatedAtColumn,
} from './columns.js';

/** A room from the Places API, keyed by email: Graph's `room.id` is not immutable. */
@Entity('rooms')
@Index('uq_rooms_integration_email', ['integrationId', 'email'], { unique: true })
export class RoomEntity {
  @idColumn() id!: string;
  @fkColumn('integration_id') integrationId!: string;
  @stringColumn('email', 320) email!: string;
  @stringColumn('graph_id', 255, { nullable: true }) graphId!: string | null;
  @stringColumn('display_name', 255) displayName!: string;
  @intColumn('capacity', { nullable: true }) capacity!: number | null;
  @stringColumn('building', 255, { nullable: true }) building!: string | null;
  @intColumn('floor_number', { nullable: true }) floorNumber!: number | null;
  @stringColumn('floor_label', 255, { nullable: true }) floorLabel!: string | null;
  @stringColumn('booking_type', 16, { nullable: true }) bookingType!: string | null;
  @boolColumn('is_wheelchair_accessible', { nullable: true }) isWheelChairAccessible!: boolean | null;
  @jsonColumn('tags', { nullable: true }) tags!: string[] | null;
  @boolColumn('active', { default: true }) active!: boolean;
  @createdAtColumn() createdAt!: Date;
  @updatedAtColumn() updatedAt!: Date;
}
