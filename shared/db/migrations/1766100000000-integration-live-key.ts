/**
 * integrations.live_key + its unique index: one live integration per cloud + tenant + client ID
 * (null once deleted, so a deleted integration can be created again). Existing live rows get
 * their key oldest first; a row that duplicates an older one keeps a null key (it still works;
 * delete it), since a migration must not delete data. The key's formula is copied here, not
 * imported, so this migration stays what it was when later code changes.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const liveKey = (r: { cloud: string; tenant_id: string; client_id: string }) =>
  [r.cloud, r.tenant_id.trim().toLowerCase(), r.client_id.trim().toLowerCase()].join('|');

const STATEMENTS = {
  mysql: {
    addColumn: 'ALTER TABLE `integrations` ADD `live_key` varchar(320) NULL',
    select:
      'SELECT `id`, `cloud`, `tenant_id`, `client_id` FROM `integrations` WHERE `deleted_at` IS NULL ORDER BY `created_at`, `id`',
    setKey: 'UPDATE `integrations` SET `live_key` = ? WHERE `id` = ?',
    addIndex: 'CREATE UNIQUE INDEX `uq_integrations_live_key` ON `integrations` (`live_key`)',
    down: [
      'DROP INDEX `uq_integrations_live_key` ON `integrations`',
      'ALTER TABLE `integrations` DROP COLUMN `live_key`',
    ],
  },
  sqlite: {
    addColumn: 'ALTER TABLE "integrations" ADD COLUMN "live_key" varchar(320)',
    select:
      'SELECT "id", "cloud", "tenant_id", "client_id" FROM "integrations" WHERE "deleted_at" IS NULL ORDER BY "created_at", "id"',
    setKey: 'UPDATE "integrations" SET "live_key" = ? WHERE "id" = ?',
    addIndex: 'CREATE UNIQUE INDEX "uq_integrations_live_key" ON "integrations" ("live_key") ',
    down: ['DROP INDEX "uq_integrations_live_key"', 'ALTER TABLE "integrations" DROP COLUMN "live_key"'],
  },
};

const pick = (q: QueryRunner) =>
  q.connection.options.type === 'better-sqlite3' ? STATEMENTS.sqlite : STATEMENTS.mysql;

export class IntegrationLiveKey1766100000000 implements MigrationInterface {
  name = 'IntegrationLiveKey1766100000000';

  async up(q: QueryRunner): Promise<void> {
    const sql = pick(q);
    await q.query(sql.addColumn);
    const rows = (await q.query(sql.select)) as { id: string; cloud: string; tenant_id: string; client_id: string }[];
    const taken = new Set<string>();
    for (const row of rows) {
      const key = liveKey(row);
      if (taken.has(key)) continue;
      taken.add(key);
      await q.query(sql.setKey, [key, row.id]);
    }
    await q.query(sql.addIndex);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const statement of pick(q).down) await q.query(statement);
  }
}
