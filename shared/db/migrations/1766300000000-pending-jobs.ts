/** pending_jobs: the job outbox (follow-up work written with the change, moved into BullMQ later). */
import { dialectMigration } from './dialect-migration.js';

export const PendingJobs1766300000000 = dialectMigration('PendingJobs1766300000000', {
  mysql: {
    up: [
      'CREATE TABLE `pending_jobs` (`id` varchar(36) NOT NULL, `integration_id` varchar(36) NOT NULL, `kind` varchar(16) NOT NULL, `payload` text NOT NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), INDEX `ix_pending_jobs_created` (`created_at`), INDEX `ix_pending_jobs_integration` (`integration_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    ],
    down: ['DROP TABLE `pending_jobs`'],
  },
  sqlite: {
    up: [
      'CREATE TABLE "pending_jobs" ("id" varchar(36) PRIMARY KEY NOT NULL, "integration_id" varchar(36) NOT NULL, "kind" varchar(16) NOT NULL, "payload" text NOT NULL, "created_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')))',
      'CREATE INDEX "ix_pending_jobs_created" ON "pending_jobs" ("created_at") ',
      'CREATE INDEX "ix_pending_jobs_integration" ON "pending_jobs" ("integration_id") ',
    ],
    down: [
      'DROP INDEX "ix_pending_jobs_integration"',
      'DROP INDEX "ix_pending_jobs_created"',
      'DROP TABLE "pending_jobs"',
    ],
  },
});
