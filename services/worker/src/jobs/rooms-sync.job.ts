import { RoomRepository, type RoomRow } from '@ones-m365/shared/db';
import { readRoomSettings } from '@ones-m365/shared/integrations';
import { prefetchPages } from '../sync/prefetch.js';
import { roomChanged, roomSelector, toRoomRow } from '../sync/room-mapping.js';
import { addWarnings, LockLostError, runSyncJob, type SyncJobDeps } from '../sync/sync-job-runner.js';
import type { JobHandler } from './job-handler.js';

/**
 * Rooms: walk every page of the Places API (nextLink, else $top/$skip: the graph client decides),
 * upsert the selected rooms keyed by email (one statement per page), and only after a complete
 * walk mark the rooms not seen, or no longer selected, inactive (never deleted: bookings refer to
 * them). Re-running is harmless, so a retry simply walks again.
 */
export function roomsSyncJob(deps: SyncJobDeps): JobHandler<'rooms.sync'> {
  return {
    name: 'rooms.sync',
    async handle(payload, ctx) {
      return await runSyncJob(deps, ctx, { ...payload, stream: 'rooms', mode: 'full' }, async ({ integration, conn, run, lock, graphRequests }) => {
        const selected = roomSelector(readRoomSettings(integration.roomSettings));
        const rooms = new RoomRepository(deps.db);
        const kept = new Set<string>();
        let pages = 0;
        let skipped = 0;
        await prefetchPages(
          (cursor?: string) => deps.graph.listRoomsPage(conn, cursor),
          (page) => page.nextCursor,
          async (page) => {
            const rows: RoomRow[] = [];
            for (const room of page.rooms) {
              const row = toRoomRow(room, integration.id);
              if (!row) skipped++;
              else if (selected(row.email) && !kept.has(row.email)) rows.push(row);
            }
            const stored = new Map((await rooms.byEmails(integration.id, rows.map((r) => r.email))).map((r) => [r.email, r]));
            for (const row of rows) {
              const before = stored.get(row.email);
              if (!before) run.created++;
              else if (roomChanged(before, row)) run.updated++;
              else run.unchanged++;
              kept.add(row.email);
            }
            if (lock.lost) throw new LockLostError();
            await rooms.upsertBatch(rows);
            pages++;
            await ctx.progress({ stream: 'rooms', pages, kept: kept.size, requests: graphRequests() });
            return 'continue';
          },
        );
        const settings = readRoomSettings(integration.roomSettings);
        if (settings.mode === 'selected') {
          const missing = (settings.roomEmails ?? []).filter((e) => !kept.has(e.toLowerCase()));
          if (missing.length) addWarnings(run, [`${missing.length} selected room(s) not found in the tenant: ${missing.slice(0, 20).join(', ')}`]);
        }
        if (skipped) addWarnings(run, [`${skipped} room(s) without an email address ignored`]);
        if (lock.lost) throw new LockLostError();
        run.deactivated += await rooms.deactivateAllExcept(integration.id, [...kept]);
        return { status: 'succeeded' };
      });
    },
  };
}
