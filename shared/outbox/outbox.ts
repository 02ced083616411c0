/**
 * The job outbox. A write stores its follow-up work in pending_jobs in its own transaction
 * (`write`), so the change and the promise of its follow-up commit together. Moving a row into
 * BullMQ is one transaction too: lock the integration row (the order every writer uses), delete
 * the row, enqueue, commit; a failed enqueue rolls the delete back and the row waits for the next
 * attempt. So a row is enqueued at most once per successful move, and never lost.
 *
 * A sync row of an integration deleted meanwhile is dropped, not enqueued: DELETE cancels the
 * pending syncs in its transaction, and a move that waited for DELETE's lock finds the
 * integration deleted. Nothing is queued for an integration after its DELETE committed, except
 * the reconcile that removes its subscriptions.
 */
import type { DataSource } from 'typeorm';
import {
  lockIntegration,
  PendingJobRepository,
  writeIntegration,
  type IntegrationWrite,
  type PendingJobEntity,
} from '../db/index.js';
import type { Logger } from '../logging/index.js';
import type { SyncRequestDeps } from '../sync/index.js';
import { dispatchFollowUp, fromRow, isDroppedFollowUp, toRow, type FollowUp } from './follow-up.js';

export interface OutboxWrite<T> {
  value: T;
  /** Per follow-up, in order: the job serving it, or null when it waits in the outbox (queue unreachable). */
  jobs: (string | null)[];
}

/**
 * How long a move waits for Redis. A producer that never reached Redis waits for it rather than
 * failing; the move must not hold the integration's lock that long. (Should the add land after
 * the rollback, the row is enqueued again later: follow-ups are idempotent.)
 */
export const ENQUEUE_TIMEOUT_MS = 5_000;

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`the queue did not answer within ${ms} ms`)), ms)),
  );
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type MoveResult = { outcome: 'enqueued'; jobId: string } | { outcome: 'dropped' } | { outcome: 'taken-by-another' };

export class Outbox {
  private readonly pending: PendingJobRepository;

  /** `sync`: the producer and the coordination that sync requests go through. */
  constructor(
    private readonly ds: DataSource,
    private readonly sync: SyncRequestDeps,
    private readonly logger: Logger,
  ) {
    this.pending = new PendingJobRepository(ds);
  }

  /**
   * Runs `fn` as one transaction under the integration's lock and stores the follow-ups it asks
   * for; after the commit, tries to enqueue them at once (the worker's drainer retries the rest).
   * Null when there is no such (live) integration: nothing was written.
   */
  async write<T>(
    integrationId: string,
    fn: (tx: IntegrationWrite) => Promise<{ value: T; followUps: FollowUp[] }>,
  ): Promise<OutboxWrite<T> | null> {
    const done = await writeIntegration(this.ds, integrationId, async (tx) => {
      const { value, followUps } = await fn(tx);
      const ids: string[] = [];
      for (const f of followUps) {
        const { kind, payload } = toRow(f);
        ids.push(await tx.pendingJobs.add(integrationId, kind, payload));
      }
      return { value, ids };
    });
    if (!done) return null;
    return { value: done.value, jobs: await this.moveNow(done.ids) };
  }

  /** Enqueues these rows now; a failure leaves them to the drainer (null job id). */
  private async moveNow(ids: string[]): Promise<(string | null)[]> {
    const jobs: (string | null)[] = [];
    let failed = false;
    for (const row of await this.pending.byIds(ids)) {
      if (failed) break;
      try {
        const moved = await this.move(row);
        if (moved.outcome === 'enqueued') jobs[ids.indexOf(row.id)] = moved.jobId;
      } catch (err) {
        failed = true;
        this.logger.warn('follow-up work deferred: the queue is unavailable; it is enqueued once it is back', {
          integrationId: row.integrationId,
          kind: row.kind,
          error: (err as Error).message,
        });
      }
    }
    return ids.map((_, i) => jobs[i] ?? null);
  }

  /**
   * Moves up to `limit` of the oldest rows created before `createdBefore` (rows younger than that
   * are being moved by the write that made them). Answers how many rows it took (enqueued or
   * dropped); stops at the first failure, which it throws.
   */
  async drain(opts: { limit: number; createdBefore: Date }): Promise<number> {
    let taken = 0;
    for (const row of await this.pending.oldest(opts.limit, opts.createdBefore)) {
      if ((await this.move(row)).outcome !== 'taken-by-another') taken++;
    }
    return taken;
  }

  /** One row into the queue (see the file comment). */
  private async move(row: PendingJobEntity): Promise<MoveResult> {
    return await this.ds.transaction(async (em): Promise<MoveResult> => {
      const integration = await lockIntegration(em, row.integrationId, { includeDeleted: true });
      if (!(await new PendingJobRepository(em).claim(row.id))) return { outcome: 'taken-by-another' };
      const followUp = fromRow(row);
      if (followUp.kind === 'sync' && (!integration || integration.deletedAt)) return { outcome: 'dropped' };
      if (isDroppedFollowUp(followUp)) {
        this.logger.warn('follow-up of a stream that is not synced dropped', {
          integrationId: row.integrationId,
          stream: followUp.kind === 'sync' ? followUp.stream : null,
        });
        return { outcome: 'dropped' };
      }
      return {
        outcome: 'enqueued',
        jobId: await within(ENQUEUE_TIMEOUT_MS, dispatchFollowUp(this.sync, row.integrationId, followUp)),
      };
    });
  }
}
