import { toGraphConnection } from '@ones-m365/shared/integrations';
import { requestReconcile, wantsSubscriptions } from '@ones-m365/shared/subscriptions';
import { DEFAULT_RENEW_MARGIN_MS, isRenewalDue, renewSubscriptions } from '../subscriptions/subscription-renewal.js';
import type { JobHandler } from './job-handler.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';

/**
 * Renews one slice of an integration's subscriptions (one Graph `$batch`). It re-reads them and
 * renews only those still due (a retry, or a reconcile that ran meanwhile, renewed the others).
 * Subscriptions Graph no longer knows are deleted here and recreated by the integration's
 * reconcile (which also runs a delta); an integration that no longer wants subscriptions is
 * reconciled instead, which deletes them. A failed renewal fails the job (BullMQ retries it) once
 * the renewals that worked are stored.
 */
export function subscriptionsRenewJob(deps: SubscriptionJobDeps): JobHandler<'subscriptions.renew'> {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'subscriptions.renew',
    async handle({ integrationId, subscriptionIds }, ctx) {
      const integration = await deps.integrations.get(integrationId);
      if (!integration || !wantsSubscriptions(integration)) {
        await requestReconcile(deps.producer, integrationId);
        return { skipped: 'integration does not want subscriptions' };
      }
      const margin = deps.renewMarginMs ?? DEFAULT_RENEW_MARGIN_MS;
      const rows = (await deps.subscriptions.byIds(subscriptionIds)).filter(
        (r) => r.integrationId === integrationId && isRenewalDue(r, now(), margin),
      );
      const conn = toGraphConnection(integration, deps.secretBox);
      const result = await renewSubscriptions({ ...deps, logger: ctx.logger, now }, integrationId, conn, rows);
      if (result.gone.length) {
        ctx.logger.warn('subscriptions gone at Graph; the reconcile recreates them', { count: result.gone.length });
        for (const row of result.gone) await deps.subscriptions.remove(row.id);
        await deps.coordination.announceSubscriptionsChanged(integrationId);
        await requestReconcile(deps.producer, integrationId);
      }
      if (result.failures.length) throw result.failures[0] as Error;
      return { renewed: result.renewed, gone: result.gone.length };
    },
  };
}
