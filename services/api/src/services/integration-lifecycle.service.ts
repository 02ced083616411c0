/**
 * The writes that start or stop an integration's work: enable, disable, delete, sync mode. Each
 * is one transaction under the integration's row lock that also stores its follow-up work in the
 * job outbox (shared/outbox), so:
 * - a write racing DELETE either commits first (DELETE follows and cleans up) or finds the
 *   integration gone (404), never half of each;
 * - a write is answered once it committed, even while Redis is unreachable: its follow-up (a
 *   sync, the subscriptions' reconcile) is enqueued right after the commit, or by the worker's
 *   outbox drainer once Redis is back. Job ids are null in the answer while that is pending.
 */
import type { IntegrationEntity, IntegrationWrite } from '@ones-m365/shared/db';
import { NotFoundError } from '@ones-m365/shared/errors';
import type { GraphClient } from '@ones-m365/shared/graph';
import type { Logger } from '@ones-m365/shared/logging';
import {
  reconcileFollowUp,
  syncFollowUp,
  type FollowUp,
  type Outbox,
  type OutboxWrite,
} from '@ones-m365/shared/outbox';
import { streamsOf, type StreamKey } from '@ones-m365/shared/sync';

export interface IntegrationLifecycleDeps {
  outbox: Pick<Outbox, 'write'>;
  graph: Pick<GraphClient, 'invalidate'>;
  logger: Logger;
}

export class IntegrationLifecycle {
  constructor(private readonly deps: IntegrationLifecycleDeps) {}

  /** First full sync of every stream (rooms first), and the subscriptions (verified at Graph). */
  async enable(
    id: string,
  ): Promise<{ integration: IntegrationEntity; jobs: Record<StreamKey | 'subscriptions', string | null> }> {
    let streams: StreamKey[] = [];
    const done = await this.write(id, async (tx) => {
      streams = streamsOf(tx.integration, await tx.rooms.activeIds(id)).map((t) => t.stream);
      return {
        value: await tx.integrations.update(id, { status: 'enabled', statusReason: null }),
        // Subscribing at once, not after the full load: notifications during the load queue a delta
        // behind it, so nothing changed meanwhile is missed.
        followUps: [...streams.map((stream) => syncFollowUp(stream, 'full', 'enable')), reconcileFollowUp(true)],
      };
    });
    this.deps.logger.info('integration enabled', { integrationId: id });
    const jobs: Record<string, string | null> = {};
    streams.forEach((stream, i) => (jobs[stream] = done.jobs[i] ?? null));
    jobs.subscriptions = done.jobs[streams.length] ?? null;
    return { integration: done.value!, jobs };
  }

  /** Stops syncing; the reconcile deletes the subscriptions at Graph and the poll schedule. */
  async disable(id: string): Promise<{ integration: IntegrationEntity; jobs: { subscriptions: string | null } }> {
    const done = await this.write(id, async (tx) => ({
      value: await tx.integrations.update(id, { status: 'disabled', statusReason: null }),
      followUps: [reconcileFollowUp()],
    }));
    this.deps.logger.info('integration disabled', { integrationId: id });
    return { integration: done.value!, jobs: { subscriptions: done.jobs[0] ?? null } };
  }

  /** Soft delete (rooms and users deactivated); its pending syncs are dropped, its subscriptions deleted. */
  async remove(id: string): Promise<void> {
    await this.write(id, async (tx) => {
      await tx.integrations.softDelete(id);
      await tx.pendingJobs.cancel(id, 'sync');
      return { value: null, followUps: [reconcileFollowUp()] };
    });
    this.deps.graph.invalidate(id);
    this.deps.logger.info('integration deleted', { integrationId: id });
  }

  async setSyncMode(
    id: string,
    mode: 'webhooks' | 'polling',
    pollIntervalSeconds?: number,
  ): Promise<IntegrationEntity> {
    const done = await this.write(id, async (tx) => ({
      value: await tx.integrations.update(id, {
        syncMode: mode,
        ...(pollIntervalSeconds ? { pollIntervalSeconds } : {}),
      }),
      followUps: [reconcileFollowUp()],
    }));
    return done.value!;
  }

  private async write<T>(
    id: string,
    fn: (tx: IntegrationWrite) => Promise<{ value: T; followUps: FollowUp[] }>,
  ): Promise<OutboxWrite<T>> {
    const done = await this.deps.outbox.write(id, fn);
    if (!done) throw new NotFoundError('Integration');
    return done;
  }
}
