import { Entity, Index } from 'typeorm';
import { createdAtColumn, idColumn, stringColumn } from './columns.js';

/** A ONES user group (not an Entra group). */
@Entity('groups')
@Index('uq_groups_name', ['name'], { unique: true })
export class GroupEntity {
  @idColumn() id!: string;
  @stringColumn('name', 120) name!: string;
  @createdAtColumn() createdAt!: Date;
}
