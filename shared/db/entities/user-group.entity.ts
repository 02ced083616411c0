import { Entity, PrimaryColumn } from 'typeorm';
import { createdAtColumn } from './columns.js';

@Entity('user_groups')
export class UserGroupEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 }) userId!: string;
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 36 }) groupId!: string;
  @createdAtColumn() createdAt!: Date;
}
