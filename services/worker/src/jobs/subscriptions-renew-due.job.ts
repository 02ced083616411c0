import type { GraphSubscriptionEntity } from '@ones-m365/shared/db';
import { desiredSubscriptions, requestReconcile } from '@ones-m365/shared/subscriptions';
import { DEFAULT_RENEW_MARGIN_MS, slices } from '../subscriptions/subscription-renewal.js';
import type { JobHandler } from './job-handler.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';

/** Subscriptions one run queues for renewal at most (the next run, minutes later, takes the rest). */
export const MAX_DUE_PER_RUN = 20_000;

/**
 * Scheduled every few minutes (one BullMQ job scheduler, whatever the number of workers):
 * - the subscriptions due (expiring within the renewal margin, or flagged by a lifecycle event)
 *   are renewed by `subscriptions.renew` jobs of one integration and at most one Graph `$batch`
 *   each, so 10,000 subscriptions renew in many small jobs, in parallel, not in one long one;
 * - every enabled webhook-mode integration that lacks subscriptions (a fallback retried, a deleted
 *   row) and every integration holding subscriptions it should not (deleted, disabled or polling,
 *   its own reconcile request lost) is reconciled, which creates or deletes them.
 */
export function subscriptionsRenewDueJob(deps: SubscriptionJobDeps): JobHandler<'subscriptions.renew-due'> {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'subscriptions.renew-due',
    async handle(_payload, ctx) {
      const margin = deps.renewMarginMs ?? DEFAULT_RENEW_MARGIN_MS;
      const due = await deps.subscriptions.dueBefore(new Date(now().getTime() + margin), MAX_DUE_PER_RUN);
      const jobs = await queueRenewals(deps, due);
      const missing = await integrationsMissingSubscriptions(deps);
      const unwanted = await deps.subscriptions.integrationsNotSubscribed();
      const ids = [...new Set([...missing, ...unwanted])];
      for (const id of ids) await requestReconcile(deps.producer, id);
      if (due.length || ids.length)
        ctx.logger.info('subscriptions due', {
          due: due.length,
          renewJobs: jobs,
          missing: missing.length,
          unwanted: unwanted.length,
        });
      return { due: due.length, renewJobs: jobs, missing: missing.length, unwanted: unwanted.length };
    },
  };
}

/** One renewal job per slice of one integration's due subscriptions; a slice queued already is not queued twice. */
async function queueRenewals(
  deps: Pick<SubscriptionJobDeps, 'producer'>,
  due: readonly GraphSubscriptionEntity[],
): Promise<number> {
  const byIntegration = new Map<string, string[]>();
  for (const row of due)
    byIntegration.set(row.integrationId, [...(byIntegration.get(row.integrationId) ?? []), row.id]);
  let jobs = 0;
  for (const [integrationId, ids] of byIntegration) {
    for (const slice of slices(ids)) {
      await deps.producer.enqueue(
        'subscriptions.renew',
        { integrationId, subscriptionIds: slice },
        { deduplication: { id: `renew:${slice[0]}` } },
      );
      jobs++;
    }
  }
  return jobs;
}

async function integrationsMissingSubscriptions(
  deps: Pick<SubscriptionJobDeps, 'integrations' | 'subscriptions' | 'rooms'>,
): Promise<string[]> {
  const webhooks = (await deps.integrations.listEnabled()).filter((i) => i.syncMode === 'webhooks');
  const counts = await deps.subscriptions.countsByIntegration(webhooks.map((i) => i.id));
  const missing: string[] = [];
  for (const i of webhooks) {
    if ((counts.get(i.id) ?? 0) < desiredSubscriptions(i, await deps.rooms.activeIds(i.id)).length) missing.push(i.id);
  }
  return missing;
}
