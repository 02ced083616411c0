/**
 * Renewal, per subscription: the ones due (expiring within the margin, or flagged by a
 * reauthorizationRequired event) are renewed in Graph `$batch`es of 20, and each stores the
 * expiry Graph answered. What Graph no longer knows (404) is returned as gone, for the caller to
 * recreate; any other failure is returned too, after the renewals that worked are stored.
 */
import type { GraphSubscriptionEntity, GraphSubscriptionRepository } from '@ones-m365/shared/db';
import {
  GraphNotFoundError,
  MAX_BATCH_REQUESTS,
  type GraphClient,
  type GraphConnection,
  type GraphFailure,
} from '@ones-m365/shared/graph';
import type { Logger } from '@ones-m365/shared/logging';
import { lifetimeMinutesFor } from '@ones-m365/shared/subscriptions';

/** Renew a subscription when less than this is left (the renew-due job runs every few minutes). */
export const DEFAULT_RENEW_MARGIN_MS = 12 * 3600_000;

/** One renewal job's share: one Graph `$batch`. */
export const RENEWAL_SLICE = MAX_BATCH_REQUESTS;

export interface RenewalDeps {
  graph: Pick<GraphClient, 'renewSubscriptions'>;
  subscriptions: Pick<GraphSubscriptionRepository, 'setExpiry'>;
  logger: Logger;
  now: () => Date;
}

export interface RenewalResult {
  renewed: number;
  gone: GraphSubscriptionEntity[];
  failures: GraphFailure[];
}

export function isRenewalDue(
  row: Pick<GraphSubscriptionEntity, 'status' | 'expiresAt'>,
  now: Date,
  marginMs: number,
): boolean {
  return row.status !== 'active' || row.expiresAt.getTime() - now.getTime() <= marginMs;
}

/** Consecutive slices of at most `size` (renewal jobs of one integration). */
export function slices<T>(items: readonly T[], size: number = RENEWAL_SLICE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function renewSubscriptions(
  deps: RenewalDeps,
  integrationId: string,
  conn: GraphConnection,
  rows: readonly GraphSubscriptionEntity[],
): Promise<RenewalResult> {
  const result: RenewalResult = { renewed: 0, gone: [], failures: [] };
  if (rows.length === 0) return result;
  const byGraphId = new Map(rows.map((r) => [r.graphSubscriptionId, r]));
  const now = deps.now().getTime();
  const answers = await deps.graph.renewSubscriptions(
    conn,
    rows.map((r) => ({
      id: r.graphSubscriptionId,
      expirationDateTime: new Date(now + lifetimeMinutesFor(r.resource) * 60_000),
    })),
  );
  for (const answer of answers) {
    const row = byGraphId.get(answer.id)!;
    if ('subscription' in answer) {
      await deps.subscriptions.setExpiry(row.id, new Date(answer.subscription.expirationDateTime));
      result.renewed++;
    } else if (answer.error instanceof GraphNotFoundError) result.gone.push(row);
    else result.failures.push(answer.error);
  }
  deps.logger.info('subscriptions renewed', {
    integrationId,
    renewed: result.renewed,
    gone: result.gone.length,
    failed: result.failures.length,
  });
  return result;
}
