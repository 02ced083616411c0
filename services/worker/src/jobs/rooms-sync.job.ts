import type { Repositories, RoomRepository } from '@ones-m365/shared/db';
import type { GraphClient } from '@ones-m365/shared/graph';
import { readRoomSettings, type RoomSettings } from '@ones-m365/shared/integrations';
import { roomSelector } from '../sync/rooms/room-mapping.js';
import { requestRoomFollowUps, type RoomsFollowUpDeps } from '../sync/rooms/rooms-follow-ups.js';
import { changedEmails, roomCounts, roomEvents, roomsPageRows } from '../sync/rooms/rooms-page.js';
import { assertLockHeld } from '../sync/runner/lock-lost-error.js';
import { prefetchPages } from '../sync/runner/prefetch.js';
import { runSyncJob, type SyncRunnerDeps } from '../sync/runner/run-sync-job.js';
import { addWarnings } from '../sync/runner/run-warnings.js';
import type { JobHandler } from './job-handler.js';

export interface RoomsSyncDeps extends SyncRunnerDeps, Omit<RoomsFollowUpDeps, 'rooms' | 'coordination'> {
  rooms: Pick<RoomRepository, 'byEmails' | 'activeIds'>;
  /** A page's upsert and its events, and the walk's deactivations and theirs, each one transaction. */
  transaction: Repositories['transaction'];
  graph: Pick<GraphClient, 'listRoomsPage'>;
  coordination: SyncRunnerDeps['coordination'] & RoomsFollowUpDeps['coordination'];
}

/**
 * Rooms: walk every page of the Places API (nextLink, else $top/$skip: the graph client decides),
 * upsert the selected rooms keyed by email (one statement per page, in a transaction with the
 * page's room events), and only after a complete walk mark the rooms not seen, or no longer
 * selected, inactive (never deleted: bookings refer to them). Re-running is harmless, so a retry simply walks again. Then each synced room's calendar
 * is asked for a run (rooms-follow-ups.ts).
 */
export function roomsSyncJob(deps: RoomsSyncDeps): JobHandler<'rooms.sync'> {
  return {
    name: 'rooms.sync',
    async handle(payload, ctx) {
      return await runSyncJob(
        deps,
        ctx,
        { ...payload, stream: 'rooms', mode: 'full' },
        async ({ integration, conn, run, lock, graphRequests }) => {
          const settings = readRoomSettings(integration.roomSettings);
          const selected = roomSelector(settings);
          const activeBefore = new Set((await deps.rooms.activeIds(integration.id)).map((r) => r.id));
          const kept = new Set<string>();
          let pages = 0;
          let skipped = 0;
          await prefetchPages(
            (cursor?: string) => deps.graph.listRoomsPage(conn, cursor),
            (page) => page.nextCursor,
            async (page) => {
              const { rows, skipped: without } = roomsPageRows(page.rooms, integration.id, selected, kept);
              skipped += without;
              const stored = await deps.rooms.byEmails(
                integration.id,
                rows.map((r) => r.email),
              );
              const counts = roomCounts(rows, stored);
              Object.assign(run, {
                created: run.created + counts.created,
                updated: run.updated + counts.updated,
                unchanged: run.unchanged + counts.unchanged,
              });
              for (const row of rows) kept.add(row.email);
              assertLockHeld(lock);
              await deps.transaction(async (tx) => {
                await tx.rooms.upsertBatch(rows);
                const changed = changedEmails(rows, stored);
                await tx.events.add(
                  roomEvents(integration.id, stored, await tx.rooms.byEmails(integration.id, changed)),
                );
              });
              pages++;
              await ctx.progress({ stream: 'rooms', pages, kept: kept.size, requests: graphRequests() });
              return 'continue';
            },
          );
          addWarnings(run, walkWarnings(settings, kept, skipped));
          assertLockHeld(lock);
          run.deactivated += await deps.transaction((tx) =>
            tx.rooms.deactivateAllExcept(integration.id, [...kept], tx.events),
          );
          await requestRoomFollowUps(deps, integration, activeBefore, payload.trigger);
          return { status: 'succeeded' };
        },
      );
    },
  };
}

/** What a complete walk has to say: selected rooms the tenant lacks, rooms without an email. */
export function walkWarnings(settings: RoomSettings, kept: ReadonlySet<string>, skipped: number): string[] {
  const warnings: string[] = [];
  if (settings.mode === 'selected') {
    const missing = (settings.roomEmails ?? []).filter((e) => !kept.has(e.toLowerCase()));
    if (missing.length)
      warnings.push(`${missing.length} selected room(s) not found in the tenant: ${missing.slice(0, 20).join(', ')}`);
  }
  if (skipped) warnings.push(`${skipped} room(s) without an email address ignored`);
  return warnings;
}
