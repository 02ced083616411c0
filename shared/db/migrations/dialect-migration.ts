/**
 * A migration as two lists of statements, one per dialect (MySQL/MariaDB and SQLite), generated
 * by TypeORM's schema builder from the entities. A test checks that the migrated schema equals the
 * entities on both, so an entity change without a migration fails CI.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export interface DialectStatements {
  mysql: { up: string[]; down: string[] };
  sqlite: { up: string[]; down: string[] };
}

/** `name` ends in the migration's timestamp, which orders migrations (TypeORM's rule). */
export function dialectMigration(name: string, statements: DialectStatements): new () => MigrationInterface {
  const pick = (q: QueryRunner) =>
    q.connection.options.type === 'better-sqlite3' ? statements.sqlite : statements.mysql;
  return class implements MigrationInterface {
    name = name;
    async up(q: QueryRunner): Promise<void> {
      for (const sql of pick(q).up) await q.query(sql);
    }
    async down(q: QueryRunner): Promise<void> {
      for (const sql of pick(q).down) await q.query(sql);
    }
  };
}
