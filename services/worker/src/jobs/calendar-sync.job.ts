import { parseStoredPolicy, policyForRoom } from '@ones-m365/shared/bookings';
import type {
  BookingPolicyRepository,
  GroupRepository,
  IntegrationRepository,
  RoomRepository,
  StoredPolicy,
  UserRepository,
} from '@ones-m365/shared/db';
import type { Producer } from '@ones-m365/shared/queue';
import { formatStreamKey } from '@ones-m365/shared/sync';
import type { CalendarGraph, CalendarStore } from '../sync/calendars/calendar-env.js';
import { sendRoomDeclines } from '../sync/calendars/calendar-page.js';
import type { CalendarPolicy } from '../sync/calendars/calendar-policy.js';
import { runCalendarRound } from '../sync/calendars/calendar-round.js';
import type { WindowDays } from '../sync/calendars/calendar-window.js';
import { runSyncJob, type SyncRunnerDeps } from '../sync/runner/run-sync-job.js';
import type { JobHandler } from './job-handler.js';

export interface CalendarSyncDeps extends SyncRunnerDeps, CalendarStore {
  integrations: Pick<IntegrationRepository, 'get' | 'deactivateIfDeleted'>;
  rooms: Pick<RoomRepository, 'getActive'>;
  graph: CalendarGraph;
  bookingPolicies: Pick<BookingPolicyRepository, 'get'>;
  users: Pick<UserRepository, 'activeByEmails'>;
  groups: Pick<GroupRepository, 'list'>;
  producer: Pick<Producer, 'enqueue'>;
  calendar: { windowDays: WindowDays; pageSize: number };
  now?: () => Date;
}

/** The integration's policy as it applies in the room (null: none saved). */
function policyInRoom(stored: StoredPolicy | null, roomEmail: string): CalendarPolicy | null {
  return stored ? { room: policyForRoom(parseStoredPolicy(stored.policy), roomEmail), savedAt: stored.savedAt } : null;
}

/**
 * One room's calendar (stream `calendar:<roomId>`), on the generic runner: its lease, run record,
 * throttling (a 429 on this mailbox delays this room's job only) and retries. A room no longer
 * synced (deselected, gone) is skipped: its bookings stay as they are. The booking policy is
 * applied to what the run imports; declines left pending (by a crash, or a throttled mailbox) are
 * sent at the end of the run.
 */
export function calendarSyncJob(deps: CalendarSyncDeps): JobHandler<'calendar.sync'> {
  return {
    name: 'calendar.sync',
    async handle(payload, ctx) {
      const stream = formatStreamKey({ kind: 'calendar', roomId: payload.roomId });
      // The room and the integration's policy, side by side.
      const [room, storedPolicy] = await Promise.all([
        deps.rooms.getActive(payload.integrationId, payload.roomId),
        deps.bookingPolicies.get(payload.integrationId),
      ]);
      if (!room) {
        ctx.logger.info('room not synced; calendar sync skipped', { roomId: payload.roomId });
        return { skipped: 'room not synced' };
      }
      const req = { integrationId: payload.integrationId, stream, mode: payload.mode, trigger: payload.trigger };
      return await runSyncJob(
        deps,
        ctx,
        req,
        async ({ conn, run, lock, fullRequested, graphRequests, finishIn, finished }) => {
          // Declines a crash or a throttled mailbox left: read beside the round's first request.
          const declinesPending = deps.bookingDeclines.pending(room.id).then((d) => d.length > 0);
          declinesPending.catch(() => undefined); // awaited by the round's last page, or below
          const env = {
            policy: {
              policy: policyInRoom(storedPolicy, room.email),
              facts: { users: deps.users, groups: deps.groups, graph: deps.graph },
              seriesCache: new Map(),
              bookings: deps.bookings,
            },
            producer: deps.producer,
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
            declinesPending,
            finishIn,
          };
          const mode = await runCalendarRound(env, fullRequested);
          // The round's last page ended the run when nothing was left to send.
          if (!finished()) {
            run.mode = mode;
            await sendRoomDeclines(env);
          }
          return { status: 'succeeded' };
        },
      );
    },
  };
}
