/**
 * The events outbox (events), its publishing counter (event_sequence, one row) and the
 * per-integration delivery state (event_deliveries). New tables only, so this composes with
 * other migrations of the same release.
 */
import { dialectMigration } from './dialect-migration.js';

export const Events1766700000000 = dialectMigration('Events1766700000000', {
  mysql: {
    up: [
      "CREATE TABLE `events` (`id` varchar(36) NOT NULL, `integration_id` varchar(36) NOT NULL, `type` varchar(40) NOT NULL, `occurred_at` datetime(6) NOT NULL, `data` text NOT NULL, `seq` bigint NULL, INDEX `ix_events_integration_seq` (`integration_id`, `seq`, `id`), INDEX `ix_events_seq` (`seq`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "CREATE TABLE `event_sequence` (`id` varchar(36) NOT NULL, `last_seq` bigint NOT NULL DEFAULT '0', PRIMARY KEY (`id`)) ENGINE=InnoDB",
      "INSERT INTO `event_sequence` (`id`, `last_seq`) VALUES ('events', 0)",
      "CREATE TABLE `event_deliveries` (`integration_id` varchar(36) NOT NULL, `head_seq` bigint NOT NULL DEFAULT '0', `head_id` varchar(36) NOT NULL DEFAULT '', `cursor_seq` bigint NOT NULL DEFAULT '0', `cursor_id` varchar(36) NOT NULL DEFAULT '', `attempts` int NOT NULL DEFAULT '0', `failing_since` datetime(6) NULL, `next_attempt_at` datetime(6) NULL, `last_error` text NULL, `last_delivered_at` datetime(6) NULL, `delivered_total` bigint NOT NULL DEFAULT '0', `given_up_total` bigint NOT NULL DEFAULT '0', `given_up_at` datetime(6) NULL, `given_up_after` varchar(36) NULL, `given_up_count` int NOT NULL DEFAULT '0', `updated_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (`integration_id`)) ENGINE=InnoDB",
    ],
    down: ['DROP TABLE `event_deliveries`', 'DROP TABLE `event_sequence`', 'DROP TABLE `events`'],
  },
  sqlite: {
    up: [
      'CREATE TABLE "events" ("id" varchar(36) PRIMARY KEY NOT NULL, "integration_id" varchar(36) NOT NULL, "type" varchar(40) NOT NULL, "occurred_at" datetime(6) NOT NULL, "data" text NOT NULL, "seq" bigint)',
      'CREATE INDEX "ix_events_integration_seq" ON "events" ("integration_id", "seq", "id") ',
      'CREATE INDEX "ix_events_seq" ON "events" ("seq", "id") ',
      'CREATE TABLE "event_sequence" ("id" varchar(36) PRIMARY KEY NOT NULL, "last_seq" bigint NOT NULL DEFAULT (0))',
      'INSERT INTO "event_sequence" ("id", "last_seq") VALUES (\'events\', 0)',
      'CREATE TABLE "event_deliveries" ("integration_id" varchar(36) PRIMARY KEY NOT NULL, "head_seq" bigint NOT NULL DEFAULT (0), "head_id" varchar(36) NOT NULL DEFAULT (\'\'), "cursor_seq" bigint NOT NULL DEFAULT (0), "cursor_id" varchar(36) NOT NULL DEFAULT (\'\'), "attempts" integer NOT NULL DEFAULT (0), "failing_since" datetime(6), "next_attempt_at" datetime(6), "last_error" text, "last_delivered_at" datetime(6), "delivered_total" bigint NOT NULL DEFAULT (0), "given_up_total" bigint NOT NULL DEFAULT (0), "given_up_at" datetime(6), "given_up_after" varchar(36), "given_up_count" integer NOT NULL DEFAULT (0), "updated_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')))',
    ],
    down: [
      'DROP TABLE "event_deliveries"',
      'DROP TABLE "event_sequence"',
      'DROP INDEX "ix_events_seq"',
      'DROP INDEX "ix_events_integration_seq"',
      'DROP TABLE "events"',
    ],
  },
});
