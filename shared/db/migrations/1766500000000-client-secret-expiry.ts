/**
 * integrations.client_secret_expires_at: the client secret's expiry as the admin entered it (the
 * portal's *Expires* column), for the warnings 30 and 7 days ahead. A plain ADD COLUMN on both
 * dialects, so it composes with other migrations of the same table.
 */
import { dialectMigration } from './dialect-migration.js';

export const ClientSecretExpiry1766500000000 = dialectMigration('ClientSecretExpiry1766500000000', {
  mysql: {
    up: ['ALTER TABLE `integrations` ADD `client_secret_expires_at` datetime(6) NULL'],
    down: ['ALTER TABLE `integrations` DROP COLUMN `client_secret_expires_at`'],
  },
  sqlite: {
    up: ['ALTER TABLE "integrations" ADD COLUMN "client_secret_expires_at" datetime(6)'],
    down: ['ALTER TABLE "integrations" DROP COLUMN "client_secret_expires_at"'],
  },
});
