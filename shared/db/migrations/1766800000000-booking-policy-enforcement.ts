/**
 * The booking policy's enforcement and bookings made in ONES: booking_declines (one decline per
 * version of a room's event, recorded before Graph is called), and on room_bookings when a
 * booking was made or last changed in what the policy looks at, the fingerprint of those facts,
 * how many people it invites, and, for a booking made in ONES, the mailbox and event id it was
 * written to. Plain ADD COLUMNs on both dialects, so they compose with other migrations of the table.
 */
import { dialectMigration } from './dialect-migration.js';

const COLUMNS: [name: string, mysql: string, sqlite: string][] = [
  ['booked_at', 'datetime(6) NULL', 'datetime(6)'],
  ['fingerprint', 'varchar(64) NULL', 'varchar(64)'],
  ['attendee_count', 'int NULL', 'integer'],
  ['written_mailbox', 'varchar(320) NULL', 'varchar(320)'],
  ['written_event_id', 'varchar(255) NULL', 'varchar(255)'],
];

const MYSQL_DECLINES =
  "CREATE TABLE `booking_declines` (`id` varchar(36) NOT NULL, `integration_id` varchar(36) NOT NULL, `room_id` varchar(36) NOT NULL, `booking_id` varchar(36) NOT NULL, `graph_event_id` varchar(255) NOT NULL, `change_key` varchar(255) NOT NULL DEFAULT '', `series_master_id` varchar(255) NULL, `reason` varchar(16) NOT NULL, `rule` varchar(32) NULL, `comment` text NOT NULL, `status` varchar(16) NOT NULL DEFAULT 'pending', `attempts` int NOT NULL DEFAULT '0', `last_error` text NULL, `answered_at` datetime(6) NULL, `created_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updated_at` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), INDEX `ix_booking_declines_pending` (`room_id`, `status`), UNIQUE INDEX `uq_booking_declines_version` (`room_id`, `graph_event_id`, `change_key`), PRIMARY KEY (`id`)) ENGINE=InnoDB";

const SQLITE_DECLINES = [
  'CREATE TABLE "booking_declines" ("id" varchar(36) PRIMARY KEY NOT NULL, "integration_id" varchar(36) NOT NULL, "room_id" varchar(36) NOT NULL, "booking_id" varchar(36) NOT NULL, "graph_event_id" varchar(255) NOT NULL, "change_key" varchar(255) NOT NULL DEFAULT (\'\'), "series_master_id" varchar(255), "reason" varchar(16) NOT NULL, "rule" varchar(32), "comment" text NOT NULL, "status" varchar(16) NOT NULL DEFAULT (\'pending\'), "attempts" integer NOT NULL DEFAULT (0), "last_error" text, "answered_at" datetime(6), "created_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')), "updated_at" datetime(6) NOT NULL DEFAULT (datetime(\'now\')))',
  'CREATE INDEX "ix_booking_declines_pending" ON "booking_declines" ("room_id", "status") ',
  'CREATE UNIQUE INDEX "uq_booking_declines_version" ON "booking_declines" ("room_id", "graph_event_id", "change_key") ',
];

export const BookingPolicyEnforcement1766800000000 = dialectMigration('BookingPolicyEnforcement1766800000000', {
  mysql: {
    up: [MYSQL_DECLINES, ...COLUMNS.map(([name, type]) => `ALTER TABLE \`room_bookings\` ADD \`${name}\` ${type}`)],
    down: [
      ...COLUMNS.map(([name]) => `ALTER TABLE \`room_bookings\` DROP COLUMN \`${name}\``).reverse(),
      'DROP TABLE `booking_declines`',
    ],
  },
  sqlite: {
    up: [
      ...SQLITE_DECLINES,
      ...COLUMNS.map(([name, , type]) => `ALTER TABLE "room_bookings" ADD COLUMN "${name}" ${type}`),
    ],
    down: [
      ...COLUMNS.map(([name]) => `ALTER TABLE "room_bookings" DROP COLUMN "${name}"`).reverse(),
      'DROP INDEX "uq_booking_declines_version"',
      'DROP INDEX "ix_booking_declines_pending"',
      'DROP TABLE "booking_declines"',
    ],
  },
});
