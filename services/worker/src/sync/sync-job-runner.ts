/**
 * What every sync job shares: re-read the integration (return early when it is gone), hold the
 * stream's Redis lock (else wait, delayed, without a worker slot), keep one sync_runs row per run
 * across retries and delays, count Graph requests, and turn failures into the right retry:
 * throttled with Retry-After → delayed until then (no attempt used); other retryable failures →
 * thrown, so BullMQ's exponential backoff with jitter applies; the last attempt → run `failed`.
 */
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import type { SecretBox } from '@ones-m365/shared/crypto';
import { IntegrationRepository, SyncRunRepository, type IntegrationEntity, type SyncRunEntity } from '@ones-m365/shared/db';
import { AppError } from '@ones-m365/shared/errors';
import type { OperationsRecorder } from '@ones-m365/shared/operations';
import { createRequestCounter, GraphThrottledError, type GraphClient, type GraphConnection } from '@ones-m365/shared/graph';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import type { SyncTrigger } from '@ones-m365/shared/queue';
import { acquireStreamLock, syncKeys, type HeldLock, type SyncStream } from '@ones-m365/shared/sync';
import type { JobContext } from '../jobs/job-handler.js';

export interface SyncJobDeps {
  db: DataSource;
  /** The worker's Redis connection (locks, full-request tokens). */
  redis: Redis;
  prefix: string;
  graph: GraphClient;
  secretBox: SecretBox;
  /** Lease of the stream lock; renewed every third of it. */
  lockLeaseMs: number;
  /** Counts finished runs by stream kind and status for /metrics. */
  operations?: Pick<OperationsRecorder, 'syncRunFinished'>;
}

export interface RunScope {
  integration: IntegrationEntity;
  conn: GraphConnection;
  run: SyncRunEntity;
  lock: HeldLock;
  /** Graph requests of this run so far (earlier attempts included). */
  graphRequests(): number;
}

export type RunOutcome = { status: 'succeeded' | 'needs_confirmation' };

const MAX_WARNINGS = 200;

export function addWarnings(run: SyncRunEntity, warnings: string[]): void {
  if (warnings.length === 0) return;
  const all = [...(run.warnings ?? []), ...warnings];
  run.warnings = all.length > MAX_WARNINGS ? [...all.slice(0, MAX_WARNINGS - 1), `… and ${all.length - MAX_WARNINGS + 1} more`] : all;
}

/** Thrown when the stream lock's lease was lost mid-run: stop writing, retry later. */
export class LockLostError extends AppError {
  constructor() {
    super('sync_lock_lost', 'The sync lock of this stream was lost; the run stops and is retried', 503, { retryable: true });
  }
}

export async function runSyncJob(
  deps: SyncJobDeps,
  ctx: JobContext,
  req: { integrationId: string; stream: SyncStream; mode: 'full' | 'delta'; trigger: SyncTrigger },
  body: (scope: RunScope) => Promise<RunOutcome>,
): Promise<Record<string, unknown>> {
  const integrations = new IntegrationRepository(deps.db);
  const integration = await integrations.get(req.integrationId);
  if (!integration) {
    ctx.logger.info('integration gone; sync skipped');
    return { skipped: 'integration not found' };
  }
  const lock = await acquireStreamLock(deps.redis, syncKeys(deps.prefix, req.stream, req.integrationId).lock, deps.lockLeaseMs);
  if (!lock) return ctx.delay(Date.now() + 500 + Math.floor(Math.random() * 1500));
  const runs = new SyncRunRepository(deps.db);
  let run: SyncRunEntity | undefined;
  const counter = createRequestCounter();
  try {
    run = (await runs.runningForJob(ctx.jobId)) ?? (await runs.start({ ...req, jobId: ctx.jobId }));
    const base = run.graphRequests;
    const scope: RunScope = {
      integration,
      conn: toGraphConnection(integration, deps.secretBox, counter),
      run,
      lock,
      graphRequests: () => base + counter.count,
    };
    const outcome = await body(scope);
    await runs.finish(run, { status: outcome.status, graphRequests: scope.graphRequests(), error: null });
    deps.operations?.syncRunFinished(req.integrationId, req.stream, outcome.status);
    return { runId: run.id, status: outcome.status, created: run.created, updated: run.updated, deactivated: run.deactivated, unchanged: run.unchanged };
  } catch (err) {
    if (run && (await recordFailure(runs, run, err, ctx, run.graphRequests + counter.count)) === 'failed') deps.operations?.syncRunFinished(req.integrationId, req.stream, 'failed');
    if (err instanceof GraphThrottledError && err.retryAfterMs !== null) {
      ctx.logger.warn('graph throttled; job delayed', { retryAfterMs: err.retryAfterMs });
      return ctx.delay(Date.now() + err.retryAfterMs);
    }
    throw err;
  } finally {
    await lock.release();
    // Deleted while this run wrote: what it wrote after the DELETE is made inactive again.
    await integrations.deactivateIfDeleted(req.integrationId);
  }
}

async function recordFailure(runs: SyncRunRepository, run: SyncRunEntity, err: unknown, ctx: JobContext, graphRequests: number): Promise<'failed' | 'retrying'> {
  const message = err instanceof Error ? err.message : String(err);
  const retryable = !(err instanceof AppError) || err.retryable;
  const last = ctx.attemptsMade + 1 >= ctx.maxAttempts;
  if (err instanceof GraphThrottledError && err.retryAfterMs !== null) {
    await runs.save(Object.assign(run, { graphRequests, error: `throttled by Graph; resumes in ${err.retryAfterMs} ms` }));
  } else if (retryable && !last) {
    await runs.save(Object.assign(run, { graphRequests, error: `attempt ${ctx.attemptsMade + 1} failed (retrying): ${message}` }));
  } else {
    await runs.finish(run, { status: 'failed', graphRequests, error: message });
    return 'failed';
  }
  return 'retrying';
}
