import { GraphSubscriptionRepository, IntegrationRepository } from '@ones-m365/shared/db';
import { desiredSubscriptions, requestReconcile } from '@ones-m365/shared/subscriptions';
import { DEFAULT_RENEW_MARGIN_MS } from '../subscriptions/subscription-manager.js';
import type { JobHandler } from './job-handler.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';

/**
 * Scheduled every few minutes (one BullMQ job scheduler, whatever the number of workers): asks
 * for a reconcile of every integration holding a subscription that expires within the renewal
 * margin or was flagged by a lifecycle event, of every enabled webhook-mode integration that
 * lacks subscriptions (a fallback retried, a deleted row), and of every integration holding
 * subscriptions it should not (deleted, disabled or polling, its own reconcile request lost), so
 * those are deleted at Graph. The reconciles run in parallel, one per integration.
 */
export function subscriptionsRenewDueJob(deps: SubscriptionJobDeps): JobHandler<'subscriptions.renew-due'> {
  const integrations = new IntegrationRepository(deps.db);
  const subscriptions = new GraphSubscriptionRepository(deps.db);
  const now = deps.now ?? (() => new Date());
  return {
    name: 'subscriptions.renew-due',
    async handle(_payload, ctx) {
      const margin = deps.renewMarginMs ?? DEFAULT_RENEW_MARGIN_MS;
      const due = await subscriptions.integrationsDueBefore(new Date(now().getTime() + margin));
      const webhooks = (await integrations.listEnabled()).filter((i) => i.syncMode === 'webhooks');
      const counts = await subscriptions.countsByIntegration(webhooks.map((i) => i.id));
      const missing = webhooks.filter((i) => (counts.get(i.id) ?? 0) < desiredSubscriptions().length).map((i) => i.id);
      const unwanted = await subscriptions.integrationsNotSubscribed();
      const ids = [...new Set([...due, ...missing, ...unwanted])];
      for (const id of ids) await requestReconcile(deps.producer, id);
      if (ids.length) ctx.logger.info('subscriptions due', { due: due.length, missing: missing.length, unwanted: unwanted.length });
      return { due: due.length, missing: missing.length, unwanted: unwanted.length };
    },
  };
}
