import { requestReconcile } from '@ones-m365/shared/subscriptions';
import { isSyncedStream, requestSync } from '@ones-m365/shared/sync';
import type { JobHandler } from './job-handler.js';
import type { SubscriptionJobDeps } from './subscription-job-deps.js';

/**
 * A Graph lifecycle event (graph-facts §6), already checked by the webhook endpoint:
 * - `reauthorizationRequired` → the subscription is flagged and its integration reconciled, which
 *   renews it (PATCH expirationDateTime reauthorizes too);
 * - `subscriptionRemoved` → its row goes and the reconcile creates it again, then runs a delta;
 * - `missed` → a delta run of its stream.
 * Subscription changes go through the reconcile (one at a time per integration), so a lifecycle
 * event never races it. Duplicates are harmless: a flag set twice, a row already gone, a delta
 * request coalesced.
 */
export function subscriptionsLifecycleJob(deps: SubscriptionJobDeps): JobHandler<'subscriptions.lifecycle'> {
  const subscriptions = deps.subscriptions;
  return {
    name: 'subscriptions.lifecycle',
    async handle({ subscriptionId, event }, ctx) {
      const row = await subscriptions.findByGraphId(subscriptionId);
      if (!row) return { skipped: 'unknown subscription' };
      ctx.logger.info('lifecycle event', { event, subscriptionId, integrationId: row.integrationId });
      if (event === 'missed') {
        if (!isSyncedStream(row.stream)) {
          ctx.logger.warn('missed notifications of a stream that is not synced; ignored', {
            subscriptionId,
            stream: row.stream,
          });
          return { event, skipped: 'stream not synced' };
        }
        await requestSync(deps, {
          integrationId: row.integrationId,
          stream: row.stream,
          mode: 'delta',
          trigger: 'webhook',
        });
      } else if (event === 'reauthorizationRequired') {
        await subscriptions.setStatus(row.id, 'renew');
        await requestReconcile(deps.producer, row.integrationId);
      } else {
        await subscriptions.remove(row.id);
        await deps.coordination.announceSubscriptionsChanged(row.integrationId);
        await requestReconcile(deps.producer, row.integrationId);
      }
      return { event };
    },
  };
}
