import type { IntegrationRepository, RoomRepository } from '@ones-m365/shared/db';
import { formatStreamKey, type Coordination } from '@ones-m365/shared/sync';
import type { CalendarGraph, CalendarStore } from '../sync/calendars/calendar-env.js';
import { runCalendarRound } from '../sync/calendars/calendar-round.js';
import type { WindowDays } from '../sync/calendars/calendar-window.js';
import { runSyncJob, type SyncRunnerDeps } from '../sync/runner/run-sync-job.js';
import type { JobHandler } from './job-handler.js';

export interface CalendarSyncDeps extends SyncRunnerDeps, CalendarStore {
  integrations: Pick<IntegrationRepository, 'get' | 'deactivateIfDeleted'>;
  rooms: Pick<RoomRepository, 'getActive'>;
  coordination: Pick<Coordination, 'acquireLock' | 'claimDeltaStart' | 'pendingFull' | 'clearFull'>;
  graph: CalendarGraph;
  calendar: { windowDays: WindowDays; pageSize: number };
  now?: () => Date;
}

/**
 * One room's calendar (stream `calendar:<roomId>`), on the generic runner: its lease, run record,
 * throttling (a 429 on this mailbox delays this room's job only) and retries. A room no longer
 * synced (deselected, gone) is skipped: its bookings stay as they are.
 */
export function calendarSyncJob(deps: CalendarSyncDeps): JobHandler<'calendar.sync'> {
  return {
    name: 'calendar.sync',
    async handle(payload, ctx) {
      const stream = formatStreamKey({ kind: 'calendar', roomId: payload.roomId });
      const room = await deps.rooms.getActive(payload.integrationId, payload.roomId);
      if (!room) {
        ctx.logger.info('room not synced; calendar sync skipped', { roomId: payload.roomId });
        return { skipped: 'room not synced' };
      }
      const req = { integrationId: payload.integrationId, stream, mode: payload.mode, trigger: payload.trigger };
      return await runSyncJob(deps, ctx, req, async ({ conn, run, lock, graphRequests }) => {
        const fullToken = await deps.coordination.pendingFull(req);
        const env = {
          store: deps,
          graph: deps.graph,
          conn,
          ctx,
          run,
          lock,
          room,
          stream,
          windowDays: deps.calendar.windowDays,
          pageSize: deps.calendar.pageSize,
          now: deps.now ?? (() => new Date()),
          graphRequests,
        };
        run.mode = await runCalendarRound(env, payload.mode === 'full' || fullToken !== null);
        if (run.mode === 'full' && fullToken !== null) await deps.coordination.clearFull(req, fullToken);
        return { status: 'succeeded' };
      });
    },
  };
}
