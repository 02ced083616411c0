import type { IntegrationRepository } from '@ones-m365/shared/db';
import { GraphDeltaExpiredError } from '@ones-m365/shared/graph';
import { readUserSettings } from '@ones-m365/shared/integrations';
import { runSyncJob, type SyncRunnerDeps } from '../sync/runner/run-sync-job.js';
import { addWarnings } from '../sync/runner/run-warnings.js';
import { resolveCardAttribute } from '../sync/users/card-attribute.js';
import { userSelect } from '../sync/users/user-mapping.js';
import { scopeLoader } from '../sync/users/user-scope.js';
import { parseCheckpoint } from '../sync/users/users-checkpoint.js';
import { USERS_STREAM, type RoundEnv, type UsersGraph, type UsersStore } from '../sync/users/users-env.js';
import { startDeltaRound, startFullRound, walkRound } from '../sync/users/users-round.js';
import type { JobHandler } from './job-handler.js';

export interface UsersSyncDeps extends Omit<SyncRunnerDeps, 'syncRuns'>, Omit<UsersStore, 'syncRuns'> {
  integrations: Pick<IntegrationRepository, 'get' | 'update' | 'deactivateIfDeleted'>;
  syncRuns: SyncRunnerDeps['syncRuns'] & UsersStore['syncRuns'];
  graph: UsersGraph;
}

/**
 * Users: a full load (initial, requested, or after an expired delta token) or a delta round,
 * resumed from the stream's checkpoint when one is there (a killed or throttled run goes on where
 * it stopped). The run is full when the payload says so, when a full request is pending (a token
 * under the stream's full-request key: see request-sync.ts), or when no deltaLink is stored yet.
 */
export function usersSyncJob(deps: UsersSyncDeps): JobHandler<'users.sync'> {
  return {
    name: 'users.sync',
    async handle(payload, ctx) {
      return await runSyncJob(
        deps,
        ctx,
        { ...payload, stream: USERS_STREAM },
        async ({ integration, conn, run, lock, fullRequested, graphRequests }) => {
          const settings = readUserSettings(integration.userSettings);
          const card = await resolveCardAttribute(deps, conn, integration, settings);
          addWarnings(run, card.warnings);
          const env: RoundEnv = {
            store: deps,
            graph: deps.graph,
            conn,
            ctx,
            run,
            lock,
            graphRequests,
            integrationId: integration.id,
            cardAttribute: card.attribute,
            select: userSelect(card.attribute),
            scope: scopeLoader(deps.graph, conn, settings.userScope?.groupIds),
            defaultGroupIds: await deps.groups.existing(settings.defaultGroupIds),
            threshold: integration.deactivationThreshold,
          };
          const state = await deps.syncStates.get(integration.id, USERS_STREAM);
          const wantFull = fullRequested || !state?.deltaLink;
          let cp = parseCheckpoint(state?.checkpoint);
          if (cp && wantFull && cp.mode !== 'full') cp = null;
          let ranFull = wantFull || cp?.mode === 'full';
          let result: 'done' | 'stop';
          try {
            cp ??=
              wantFull || !state?.deltaLink ? await startFullRound(env) : await startDeltaRound(env, state.deltaLink);
            result = await walkRound(env, cp);
          } catch (err) {
            if (!(err instanceof GraphDeltaExpiredError)) throw err;
            ctx.logger.warn('users delta state expired; resyncing in full', { graphCode: err.graphCode });
            addWarnings(run, [
              `the delta state expired (${err.graphCode ?? err.graphStatus ?? 'expired'}): dropped it and resynced in full`,
            ]);
            await deps.syncStates.save(integration.id, USERS_STREAM, { deltaLink: null, checkpoint: null });
            ranFull = true;
            result = await walkRound(env, await startFullRound(env));
          }
          run.mode = ranFull ? 'full' : 'delta'; // what ran, whatever the payload said
          return { status: result === 'stop' ? 'needs_confirmation' : 'succeeded' };
        },
      );
    },
  };
}
