import { z } from 'zod';
import {
  SyncRunRepository,
  type IntegrationRepository,
  type IntegrationWrite,
  type RoomRepository,
  type UserRepository,
} from '@ones-m365/shared/db';
import { ConflictError, NotFoundError, UnprocessableError } from '@ones-m365/shared/errors';
import {
  formatStreamKey,
  isSyncedStream,
  requestSync,
  streamsOf,
  type StreamTarget,
  type SyncRequestDeps,
  type SyncRequestResult,
} from '@ones-m365/shared/sync';
import { roomView, syncRunView, userView } from '@ones-m365/shared/events';
import { decimalInteger } from '../http/query-params.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { existingIntegration } from '../services/existing-integration.js';

export interface SyncRoutesDeps extends SyncRequestDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  rooms: Pick<RoomRepository, 'list'>;
  users: Pick<UserRepository, 'list'>;
  syncRuns: Pick<SyncRunRepository, 'listLatest'>;
  /**
   * Runs `fn` in a transaction holding the integration's row lock (null: no such integration).
   * Sync requests are enqueued under it, so none is queued after a DELETE committed, and a
   * confirmation is saved only if its follow-up run was queued (else 503, nothing saved).
   */
  underLock<T>(id: string, fn: (tx: IntegrationWrite) => Promise<T>): Promise<T | null>;
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const listQuery = z.object({
  cursor: z.string().min(1).max(64).optional(),
  limit: decimalInteger({ min: 1, max: 500 }).default(100),
  active: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
});

/** Sync requests (coalesced per stream, see shared/sync), sync runs, and the synced rooms and users. */
export function syncRoutes(deps: SyncRoutesDeps): AnyRoute[] {
  const integrationOf = (id: string) => existingIntegration(deps.integrations, id);
  return [
    defineRoute({
      method: 'post',
      path: '/integrations/:id/sync',
      summary: 'Start a sync (coalesced: at most one waiting and one running run per stream)',
      tag: 'sync',
      params: idParams,
      body: z
        .strictObject({
          scope: z.enum(['rooms', 'users', 'calendars', 'all'], { message: 'must be rooms, users, calendars or all' }),
          mode: z.enum(['full', 'delta'], { message: 'must be full or delta' }).default('delta'),
          /** With scope `calendars`: only this room's calendar. */
          roomId: z.string().min(1).max(64).optional(),
        })
        .refine((b) => b.roomId === undefined || b.scope === 'calendars', {
          message: 'is only taken with scope calendars',
          path: ['roomId'],
        }),
      responses: {
        202: '{jobId, jobs: [{stream, jobId, coalesced}]}',
        404: 'No such integration',
        422: 'roomId names no synced room of the integration, or the integration has no synced rooms',
        503: 'The queue is unreachable (nothing was started; retry)',
      },
      async handler({ params, body }, res) {
        const jobs = await deps.underLock(params.id, async (tx) => {
          const targets: StreamTarget[] =
            body.scope === 'all'
              ? streamsOf(tx.integration, await tx.rooms.activeIds(params.id))
              : body.scope === 'calendars'
                ? await calendarTargets(tx, params.id, body.roomId)
                : [{ integrationId: params.id, stream: body.scope }];
          const requested: (SyncRequestResult & { stream: string })[] = [];
          for (const target of targets) {
            requested.push({
              stream: target.stream,
              ...(await requestSync(deps, { ...target, mode: body.mode, trigger: 'api' })),
            });
          }
          return requested;
        });
        if (!jobs) throw new NotFoundError('Integration');
        res.status(202).json({ jobId: jobs[jobs.length - 1]!.jobId, jobs });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/:id/sync-runs',
      summary: 'Sync runs, latest first, with counts, Graph requests and warnings',
      tag: 'sync',
      params: idParams,
      query: z.object({ limit: listQuery.shape.limit }),
      responses: { 200: '{items: [run]}', 404: 'No such integration' },
      async handler({ params, query }) {
        await integrationOf(params.id);
        return { items: (await deps.syncRuns.listLatest(params.id, query.limit)).map(syncRunView) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/integrations/:id/sync-runs/:runId/confirm',
      summary: 'Confirm a run stopped by the mass-deactivation guard: a follow-up run deactivates',
      tag: 'sync',
      params: idParams.extend({ runId: z.string().min(1).max(64) }),
      responses: {
        202: '{jobId, runId}',
        404: 'No such integration or run',
        409: 'The run is not waiting for a confirmation',
        503: 'The queue is unreachable (nothing was saved; retry)',
      },
      async handler({ params }, res) {
        const confirmed = await deps.underLock(params.id, async (tx) => {
          const runs = new SyncRunRepository(tx.em);
          const run = await runs.get(params.runId);
          if (!run || run.integrationId !== params.id) throw new NotFoundError('Sync run');
          if (!isSyncedStream(run.stream))
            throw new ConflictError(`Sync run ${run.id} is of stream ${run.stream}, which is no longer synced`);
          if (!(await runs.confirm(run.id)))
            throw new ConflictError(`Sync run ${run.id} is ${run.status}, not needs_confirmation`);
          const { jobId } = await requestSync(deps, {
            integrationId: params.id,
            stream: run.stream,
            mode: run.mode === 'full' ? 'full' : 'delta',
            trigger: 'confirm',
          });
          return { jobId, runId: run.id };
        });
        if (!confirmed) throw new NotFoundError('Integration');
        res.status(202).json(confirmed);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/:id/rooms',
      summary: 'Synced rooms (keyset pages)',
      tag: 'sync',
      params: idParams,
      query: listQuery,
      responses: { 200: '{items: [room], nextCursor}', 404: 'No such integration' },
      async handler({ params, query }) {
        await integrationOf(params.id);
        const page = await deps.rooms.list(params.id, query);
        return { items: page.items.map(roomView), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/:id/users',
      summary: 'Synced users (keyset pages)',
      tag: 'sync',
      params: idParams,
      query: listQuery,
      responses: { 200: '{items: [user], nextCursor}', 404: 'No such integration' },
      async handler({ params, query }) {
        await integrationOf(params.id);
        const page = await deps.users.list(params.id, query);
        return { items: page.items.map((u) => userView(u, u.groupIds)), nextCursor: page.nextCursor };
      },
    }),
  ];
}

/** The calendar streams a `calendars` request names: every synced room's, or `roomId`'s (422 when it is not synced). */
async function calendarTargets(
  tx: Pick<IntegrationWrite, 'rooms'>,
  integrationId: string,
  roomId: string | undefined,
): Promise<StreamTarget[]> {
  const rooms = (await tx.rooms.activeIds(integrationId)).filter((r) => roomId === undefined || r.id === roomId);
  if (rooms.length === 0) {
    throw roomId === undefined
      ? new UnprocessableError('no_synced_rooms', 'The integration has no synced rooms yet: sync the rooms first')
      : new UnprocessableError('unknown_room', `Room ${roomId} is not a synced room of this integration`, [
          { field: 'body.roomId', message: 'is not a synced room of this integration' },
        ]);
  }
  return rooms.map((r) => ({ integrationId, stream: formatStreamKey({ kind: 'calendar', roomId: r.id }) }));
}
