/**
 * integrations.tenant_guid: the tenant's GUID from the token's `tid`, for integrations whose
 * tenant was entered as a verified domain (webhook notifications name the tenant by GUID).
 */
import { dialectMigration } from './dialect-migration.js';

export const IntegrationTenantGuid1765000000000 = dialectMigration('IntegrationTenantGuid1765000000000', {
  mysql: {
    up: ['ALTER TABLE `integrations` ADD `tenant_guid` varchar(36) NULL'],
    down: ['ALTER TABLE `integrations` DROP COLUMN `tenant_guid`'],
  },
  sqlite: {
    up: [
      'CREATE TABLE "temporary_integrations" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(120) NOT NULL, "cloud" varchar(16) NOT NULL, "tenant_id" varchar(255) NOT NULL, "client_id" varchar(36) NOT NULL, "client_secret_sealed" text NOT NULL, "client_secret_hint" varchar(8) NOT NULL, "endpoints" text, "status" varchar(16) NOT NULL DEFAULT (\'draft\'), "status_reason" varchar(500), "sync_mode" varchar(16) NOT NULL DEFAULT (\'webhooks\'), "poll_interval_seconds" integer NOT NULL DEFAULT (300), "room_settings" text, "user_settings" text, "last_test" text, "deactivation_threshold" float NOT NULL DEFAULT (\'0.2\'), "created_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')), "updated_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')), "deleted_at" datetime(6), "tenant_guid" varchar(36))',
      'INSERT INTO "temporary_integrations"("id", "name", "cloud", "tenant_id", "client_id", "client_secret_sealed", "client_secret_hint", "endpoints", "status", "status_reason", "sync_mode", "poll_interval_seconds", "room_settings", "user_settings", "last_test", "deactivation_threshold", "created_at", "updated_at", "deleted_at") SELECT "id", "name", "cloud", "tenant_id", "client_id", "client_secret_sealed", "client_secret_hint", "endpoints", "status", "status_reason", "sync_mode", "poll_interval_seconds", "room_settings", "user_settings", "last_test", "deactivation_threshold", "created_at", "updated_at", "deleted_at" FROM "integrations"',
      'DROP TABLE "integrations"',
      'ALTER TABLE "temporary_integrations" RENAME TO "integrations"',
    ],
    down: [
      'ALTER TABLE "integrations" RENAME TO "temporary_integrations"',
      'CREATE TABLE "integrations" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(120) NOT NULL, "cloud" varchar(16) NOT NULL, "tenant_id" varchar(255) NOT NULL, "client_id" varchar(36) NOT NULL, "client_secret_sealed" text NOT NULL, "client_secret_hint" varchar(8) NOT NULL, "endpoints" text, "status" varchar(16) NOT NULL DEFAULT (\'draft\'), "status_reason" varchar(500), "sync_mode" varchar(16) NOT NULL DEFAULT (\'webhooks\'), "poll_interval_seconds" integer NOT NULL DEFAULT (300), "room_settings" text, "user_settings" text, "last_test" text, "deactivation_threshold" float NOT NULL DEFAULT (\'0.2\'), "created_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')), "updated_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')), "deleted_at" datetime(6))',
      'INSERT INTO "integrations"("id", "name", "cloud", "tenant_id", "client_id", "client_secret_sealed", "client_secret_hint", "endpoints", "status", "status_reason", "sync_mode", "poll_interval_seconds", "room_settings", "user_settings", "last_test", "deactivation_threshold", "created_at", "updated_at", "deleted_at") SELECT "id", "name", "cloud", "tenant_id", "client_id", "client_secret_sealed", "client_secret_hint", "endpoints", "status", "status_reason", "sync_mode", "poll_interval_seconds", "room_settings", "user_settings", "last_test", "deactivation_threshold", "created_at", "updated_at", "deleted_at" FROM "temporary_integrations"',
      'DROP TABLE "temporary_integrations"',
    ],
  },
});
