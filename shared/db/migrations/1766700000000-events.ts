/**
 * The events outbox (event_batches: a row per batch of one integration's events written
 * together), its publishing counter (event_sequence, one row) and the per-integration delivery
 * state (event_deliveries). New tables only, so this composes with other migrations of the
 * same release.
 */
import { dialectMigration } from './dialect-migration.js';

export const Events1766700000000 = dialectMigration('Events1766700000000', {
  mysql: {
    up: [
      'CREATE TABLE `event_batches` (`id` varchar(36) NOT NULL, `last_id` varchar(36) NOT NULL, `integration_id` varchar(36) NOT NULL, `event_count` int NOT NULL, `types` varchar(600) NOT NULL, `occurred_at` datetime(6) NOT NULL, `payload` blob NOT NULL, `seq` bigint NULL, INDEX `ix_event_batches_integration_seq` (`integration_id`, `seq`, `id`), INDEX `ix_event_batches_seq` (`seq`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
      "CREATE TABLE `event_sequence` (`id` varchar(36) NOT NULL, `last_seq` bigint NOT NULL DEFAULT '0', PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "INSERT INTO `event_sequence` (`id`, `last_seq`) VALUES ('events', 0)",
      "CREATE TABLE `event_deliveries` (`integration_id` varchar(36) NOT NULL, `head_seq` bigint NOT NULL DEFAULT '0', `head_id` varchar(36) NOT NULL DEFAULT '', `head_index` int NOT NULL DEFAULT '-1', `cursor_seq` bigint NOT NULL DEFAULT '0', `cursor_id` varchar(36) NOT NULL DEFAULT '', `cursor_index` int NOT NULL DEFAULT '-1', `cursor_event_id` varchar(36) NOT NULL DEFAULT '', `attempts` int NOT NULL DEFAULT '0', `failing_since` datetime(6) NULL, `next_attempt_at` datetime(6) NULL, `last_error` text NULL, `last_delivered_at` datetime(6) NULL, `delivered_total` bigint NOT NULL DEFAULT '0', `given_up_total` bigint NOT NULL DEFAULT '0', `given_up_at` datetime(6) NULL, `given_up_after` varchar(36) NULL, `given_up_count` int NOT NULL DEFAULT '0', `updated_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (`integration_id`)) ENGINE=InnoDB",
    ],
    down: ['DROP TABLE `event_deliveries`', 'DROP TABLE `event_sequence`', 'DROP TABLE `event_batches`'],
  },
  sqlite: {
    up: [
      'CREATE TABLE "event_batches" ("id" varchar(36) PRIMARY KEY NOT NULL, "last_id" varchar(36) NOT NULL, "integration_id" varchar(36) NOT NULL, "event_count" integer NOT NULL, "types" varchar(600) NOT NULL, "occurred_at" datetime(6) NOT NULL, "payload" blob NOT NULL, "seq" bigint)',
      'CREATE INDEX "ix_event_batches_integration_seq" ON "event_batches" ("integration_id", "seq", "id") ',
      'CREATE INDEX "ix_event_batches_seq" ON "event_batches" ("seq", "id") ',
      'CREATE TABLE "event_sequence" ("id" varchar(36) PRIMARY KEY NOT NULL, "last_seq" bigint NOT NULL DEFAULT (0))',
      'INSERT INTO "event_sequence" ("id", "last_seq") VALUES (\'events\', 0)',
      'CREATE TABLE "event_deliveries" ("integration_id" varchar(36) PRIMARY KEY NOT NULL, "head_seq" bigint NOT NULL DEFAULT (0), "head_id" varchar(36) NOT NULL DEFAULT (\'\'), "head_index" integer NOT NULL DEFAULT (-1), "cursor_seq" bigint NOT NULL DEFAULT (0), "cursor_id" varchar(36) NOT NULL DEFAULT (\'\'), "cursor_index" integer NOT NULL DEFAULT (-1), "cursor_event_id" varchar(36) NOT NULL DEFAULT (\'\'), "attempts" integer NOT NULL DEFAULT (0), "failing_since" datetime(6), "next_attempt_at" datetime(6), "last_error" text, "last_delivered_at" datetime(6), "delivered_total" bigint NOT NULL DEFAULT (0), "given_up_total" bigint NOT NULL DEFAULT (0), "given_up_at" datetime(6), "given_up_after" varchar(36), "given_up_count" integer NOT NULL DEFAULT (0), "updated_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')))',
    ],
    down: [
      'DROP TABLE "event_deliveries"',
      'DROP TABLE "event_sequence"',
      'DROP INDEX "ix_event_batches_seq"',
      'DROP INDEX "ix_event_batches_integration_seq"',
      'DROP TABLE "event_batches"',
    ],
  },
});
