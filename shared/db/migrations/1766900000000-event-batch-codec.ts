/**
 * event_batches.codec: how a batch's payload is compressed. Rows written before it are raw
 * deflate (the default); new rows are brotli at quality 1, half the CPU of deflate's fastest
 * level for a smaller payload (event-batches.ts). A plain ADD COLUMN on both dialects.
 */
import { dialectMigration } from './dialect-migration.js';

export const EventBatchCodec1766900000000 = dialectMigration('EventBatchCodec1766900000000', {
  mysql: {
    up: ["ALTER TABLE `event_batches` ADD `codec` varchar(8) NOT NULL DEFAULT 'deflate'"],
    down: ['ALTER TABLE `event_batches` DROP COLUMN `codec`'],
  },
  sqlite: {
    up: [`ALTER TABLE "event_batches" ADD COLUMN "codec" varchar(8) NOT NULL DEFAULT ('deflate')`],
    down: ['ALTER TABLE "event_batches" DROP COLUMN "codec"'],
  },
});
