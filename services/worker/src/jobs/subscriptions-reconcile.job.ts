import type { IntegrationEntity } from '@ones-m365/shared/db';
import { GraphAuthError, GraphFailure, type GraphConnection } from '@ones-m365/shared/graph';
import { learnTenantGuid, toGraphConnection } from '@ones-m365/shared/integrations';
import { desiredSubscriptions, FALLBACK_PREFIX } from '@ones-m365/shared/subscriptions';
import { removePollSchedule, upsertPollSchedule } from '../subscriptions/poll-schedule.js';
import { SubscriptionManager, SubscriptionUnavailableError } from '../subscriptions/subscription-manager.js';
import type { JobContext, JobHandler } from './job-handler.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';

export { FALLBACK_PREFIX };

/**
 * Brings an integration's Graph subscriptions and its delta schedule in line with its state:
 * enabled + webhooks → subscriptions (renewed when due) and the slow safety-net delta; enabled +
 * polling, or subscriptions impossible → no subscriptions, delta every pollIntervalSeconds, and
 * (when impossible) the reason on the integration; disabled or deleted → subscriptions deleted at
 * Graph and no schedule. Idempotent; one runs at a time per integration (deduplicated requests).
 */
export function subscriptionsReconcileJob(deps: SubscriptionJobDeps): JobHandler<'subscriptions.reconcile'> {
  const integrations = deps.integrations;
  const managerFor = (ctx: JobContext) => new SubscriptionManager({ ...deps, logger: ctx.logger });

  const setReason = async (integration: IntegrationEntity, reason: string | null) => {
    const mine = integration.statusReason === null || integration.statusReason.startsWith(FALLBACK_PREFIX);
    if (mine && integration.statusReason !== reason)
      await integrations.update(integration.id, { statusReason: reason });
  };

  return {
    name: 'subscriptions.reconcile',
    async handle({ integrationId, verify }, ctx) {
      const manager = managerFor(ctx);
      const integration = await integrations.getIncludingDeleted(integrationId);
      if (!integration) {
        await manager.removeAll(integrationId, null);
        await removePollSchedule(deps.producer, integrationId);
        return { state: 'gone' };
      }
      const live = integration.deletedAt === null && integration.status === 'enabled';
      if (!live || integration.syncMode === 'polling') {
        const deleted = await removeSubscriptions(manager, integration, deps, ctx);
        if (!live) {
          await removePollSchedule(deps.producer, integrationId);
          return { state: 'stopped', deleted };
        }
        await upsertPollSchedule(deps.producer, integrationId, integration.pollIntervalSeconds);
        await setReason(integration, null);
        return { state: 'polling', deleted };
      }
      let reason = precondition(integration, deps.publicBaseUrl);
      if (!reason) {
        try {
          const conn = connectionOf(integration, deps);
          const tenantGuid = await learnTenantGuid(deps.graph, integration, conn);
          if (tenantGuid) await integrations.update(integrationId, { tenantGuid });
          await manager.ensure(
            integrationId,
            conn,
            desiredSubscriptions(integration, await deps.rooms.activeIds(integrationId)),
            { verify: verify === true },
          );
        } catch (err) {
          if (err instanceof GraphAuthError && err.reason === 'expired_secret') {
            // Not a subscription problem: the status says the secret expired (shared/operations/secret-status.ts);
            // renew-due subscribes again once it is rotated. Polling meanwhile keeps asking for a token.
            await upsertPollSchedule(deps.producer, integrationId, integration.pollIntervalSeconds);
            return { state: 'secret_expired' };
          }
          reason = fallbackReason(err);
          if (!reason) {
            // Worth retrying (throttled, Graph unavailable): poll meanwhile, then let BullMQ retry.
            await upsertPollSchedule(deps.producer, integrationId, integration.pollIntervalSeconds);
            throw err;
          }
        }
      }
      if (reason) {
        await upsertPollSchedule(deps.producer, integrationId, integration.pollIntervalSeconds);
        await setReason(
          integration,
          `${FALLBACK_PREFIX} ${reason}. Polling every ${integration.pollIntervalSeconds} s instead.`,
        );
        ctx.logger.warn('change notifications unavailable, polling instead', { reason });
        return { state: 'fallback', reason };
      }
      await upsertPollSchedule(deps.producer, integrationId, deps.safetyNetSeconds);
      await setReason(integration, null);
      return { state: 'webhooks' };
    },
  };
}

function connectionOf(integration: IntegrationEntity, deps: SubscriptionJobDeps): GraphConnection {
  return toGraphConnection(integration, deps.secretBox);
}

/**
 * Real Graph delivers only to public https endpoints. Plain http is tried only for an integration
 * with custom endpoints (the simulator, which accepts loopback http); otherwise it is not tried.
 */
export function precondition(integration: IntegrationEntity, publicBaseUrl: string): string | null {
  if (publicBaseUrl.startsWith('https://') || integration.endpoints) return null;
  return `PUBLIC_BASE_URL (${publicBaseUrl}) is not an https URL Microsoft Graph can reach`;
}

/** A failure no retry fixes (quota 403, failed handshake 400, credentials): fall back to polling. */
function fallbackReason(err: unknown): string | null {
  if (err instanceof SubscriptionUnavailableError) return err.message;
  if (err instanceof GraphFailure && !err.retryable) return `Microsoft Graph refused the subscription (${err.message})`;
  return null;
}

/** Deletes them at Graph; when Graph can no longer be asked (credentials gone), only the rows. */
async function removeSubscriptions(
  manager: SubscriptionManager,
  integration: IntegrationEntity,
  deps: SubscriptionJobDeps,
  ctx: JobContext,
): Promise<number> {
  try {
    return await manager.removeAll(integration.id, connectionOf(integration, deps));
  } catch (err) {
    if (err instanceof GraphFailure && err.retryable) throw err;
    ctx.logger.warn('subscriptions could not be deleted at Graph; they expire on their own', {
      error: (err as Error).message,
    });
    return await manager.removeAll(integration.id, null);
  }
}
