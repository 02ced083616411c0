/**
 * room_bookings gains what the calendar mirror needs: the series master and event type of an
 * occurrence, the event's changeKey (a version of the event), the source (`outlook` or `ones`),
 * and the full round that last saw the booking (the rolling window's sweep). Plain ADD COLUMNs on
 * both dialects, so they compose with other migrations of the same table.
 */
import { dialectMigration } from './dialect-migration.js';

const COLUMNS: [name: string, mysql: string, sqlite: string][] = [
  ['series_master_id', 'varchar(255) NULL', 'varchar(255)'],
  ['event_type', "varchar(16) NOT NULL DEFAULT 'singleInstance'", "varchar(16) NOT NULL DEFAULT ('singleInstance')"],
  ['change_key', 'varchar(255) NULL', 'varchar(255)'],
  ['source', "varchar(16) NOT NULL DEFAULT 'outlook'", "varchar(16) NOT NULL DEFAULT ('outlook')"],
  ['seen_round', 'varchar(36) NULL', 'varchar(36)'],
];

export const RoomBookingsCalendar1766600000000 = dialectMigration('RoomBookingsCalendar1766600000000', {
  mysql: {
    up: COLUMNS.map(([name, type]) => `ALTER TABLE \`room_bookings\` ADD \`${name}\` ${type}`),
    down: COLUMNS.map(([name]) => `ALTER TABLE \`room_bookings\` DROP COLUMN \`${name}\``).reverse(),
  },
  sqlite: {
    up: COLUMNS.map(([name, , type]) => `ALTER TABLE "room_bookings" ADD COLUMN "${name}" ${type}`),
    down: COLUMNS.map(([name]) => `ALTER TABLE "room_bookings" DROP COLUMN "${name}"`).reverse(),
  },
});
