import { GroupRepository, SyncStateRepository } from '@ones-m365/shared/db';
import { GraphDeltaExpiredError } from '@ones-m365/shared/graph';
import { readUserSettings } from '@ones-m365/shared/integrations';
import { resolveCardAttribute } from '../sync/card-attribute.js';
import { addWarnings, runSyncJob, type SyncJobDeps } from '../sync/sync-job-runner.js';
import { parseCheckpoint } from '../sync/users-checkpoint.js';
import { startDeltaRound, startFullRound, walkRound, type RoundEnv } from '../sync/users-round.js';
import { scopeLoader } from '../sync/user-scope.js';
import { userSelect } from '../sync/user-mapping.js';
import type { JobHandler } from './job-handler.js';

/**
 * Users: a full load (initial, requested, or after an expired delta token) or a delta round,
 * resumed from the stream's checkpoint when one is there (a killed or throttled run goes on where
 * it stopped). The run is full when the payload says so, when a full request is pending (a token
 * under the stream's full-request key: see request-sync.ts), or when no deltaLink is stored yet.
 */
export function usersSyncJob(deps: SyncJobDeps): JobHandler<'users.sync'> {
  return {
    name: 'users.sync',
    async handle(payload, ctx) {
      return await runSyncJob(deps, ctx, { ...payload, stream: 'users' }, async ({ integration, conn, run, lock, graphRequests }) => {
        const stream = { integrationId: integration.id, stream: 'users' } as const;
        const fullToken = await deps.coordination.pendingFull(stream);
        const settings = readUserSettings(integration.userSettings);
        const card = await resolveCardAttribute(deps, conn, integration, settings);
        addWarnings(run, card.warnings);
        const env: RoundEnv = {
          db: deps.db, graph: deps.graph, conn, ctx, run, lock, graphRequests,
          integrationId: integration.id,
          cardAttribute: card.attribute,
          select: userSelect(card.attribute),
          scope: scopeLoader(deps.graph, conn, settings.userScope?.groupIds),
          defaultGroupIds: await new GroupRepository(deps.db).existing(settings.defaultGroupIds),
          threshold: integration.deactivationThreshold,
        };
        const states = new SyncStateRepository(deps.db);
        const state = await states.get(integration.id, 'users');
        const wantFull = payload.mode === 'full' || fullToken !== null || !state?.deltaLink;
        let cp = parseCheckpoint(state?.checkpoint);
        if (cp && wantFull && cp.mode !== 'full') cp = null;
        let ranFull = wantFull || cp?.mode === 'full';
        let result: 'done' | 'stop';
        try {
          cp ??= wantFull || !state?.deltaLink ? await startFullRound(env) : await startDeltaRound(env, state.deltaLink);
          result = await walkRound(env, cp);
        } catch (err) {
          if (!(err instanceof GraphDeltaExpiredError)) throw err;
          ctx.logger.warn('users delta state expired; resyncing in full', { graphCode: err.graphCode });
          addWarnings(run, [`the delta state expired (${err.graphCode ?? err.graphStatus ?? 'expired'}): dropped it and resynced in full`]);
          await states.save(integration.id, 'users', { deltaLink: null, checkpoint: null });
          ranFull = true;
          result = await walkRound(env, await startFullRound(env));
        }
        run.mode = ranFull ? 'full' : 'delta'; // what ran, whatever the payload said
        if (result === 'done' && ranFull && fullToken !== null) await deps.coordination.clearFull(stream, fullToken);
        return { status: result === 'stop' ? 'needs_confirmation' : 'succeeded' };
      });
    },
  };
}
