/**
 * Column helpers. No decorator metadata is emitted (tsx/esbuild), so every column names its type
 * explicitly; the same types work on MySQL and SQLite.
 */
import { Column, CreateDateColumn, PrimaryColumn, UpdateDateColumn, type ColumnOptions } from 'typeorm';

export const idColumn = () => PrimaryColumn({ type: 'varchar', length: 36 });
export const fkColumn = (name: string, opts: ColumnOptions = {}) =>
  Column({ name, type: 'varchar', length: 36, ...opts });
export const stringColumn = (name: string, length: number, opts: ColumnOptions = {}) =>
  Column({ name, type: 'varchar', length, ...opts });
export const textColumn = (name: string, opts: ColumnOptions = {}) => Column({ name, type: 'text', ...opts });
export const intColumn = (name: string, opts: ColumnOptions = {}) => Column({ name, type: 'int', ...opts });
export const boolColumn = (name: string, opts: ColumnOptions = {}) => Column({ name, type: 'boolean', ...opts });
export const jsonColumn = (name: string, opts: ColumnOptions = {}) => Column({ name, type: 'simple-json', ...opts });
export const dateColumn = (name: string, opts: ColumnOptions = {}) =>
  Column({ name, type: 'datetime', precision: 6, ...opts });
export const createdAtColumn = () => CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 6 });
export const updatedAtColumn = () => UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 6 });
/** A BIGINT read back as a number (mysql2 answers strings for them): counters and sequence numbers. */
export const bigintColumn = (name: string, opts: ColumnOptions = {}) =>
  Column({
    name,
    type: 'bigint',
    transformer: { to: (v: unknown) => v, from: (v: unknown) => (v === null || v === undefined ? v : Number(v)) },
    ...opts,
  });
