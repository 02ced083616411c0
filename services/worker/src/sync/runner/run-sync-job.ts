/**
 * The generic sync runner, for any stream: re-read the integration (return early when it is
 * gone), hold the stream's Redis lock (else wait, delayed, without a worker slot), keep one
 * sync_runs row per run across retries and delays, count Graph requests, and turn failures into
 * the right retry: throttled with Retry-After → delayed until then (no attempt used); other
 * retryable failures → thrown, so BullMQ's exponential backoff with jitter applies; the last
 * attempt → run `failed`. What a run of one stream does is the `body` its job passes.
 *
 * Each hold of the lease is logged at debug level (`stream lease acquired` / `stream lease
 * released`, with the stream, epoch-ms times, whether the lease had run out and how the hold
 * ended), so holds can be checked across processes: the soak benchmark does, for overlaps.
 */
import type { SecretBox } from '@ones-m365/shared/crypto';
import type {
  IntegrationEntity,
  IntegrationRepository,
  SyncRunEntity,
  SyncRunRepository,
  SyncRunResult,
  SyncUnitOfWork,
} from '@ones-m365/shared/db';
import { AppError } from '@ones-m365/shared/errors';
import type { OperationsRecorder } from '@ones-m365/shared/operations';
import {
  createRequestCounter,
  GraphThrottledError,
  type GraphConnection,
  type RequestLanes,
} from '@ones-m365/shared/graph';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import type { SyncTrigger } from '@ones-m365/shared/queue';
import {
  MIN_DELTA_GAP_MS,
  streamKindOf,
  type Coordination,
  type HeldLock,
  type StreamKey,
} from '@ones-m365/shared/sync';
import { LockLostError } from './lock-lost-error.js';
import type { RunContext } from './run-context.js';

export interface SyncRunnerDeps {
  integrations: Pick<IntegrationRepository, 'get' | 'deactivateIfDeleted'>;
  syncRuns: Pick<SyncRunRepository, 'runningForJob' | 'start' | 'finish' | 'save'>;
  /** Stream locks, delta-start spacing and full-request tokens, on the worker's Redis connection. */
  coordination: Pick<Coordination, 'acquireLock' | 'claimDeltaStart' | 'pendingFull' | 'clearFull'>;
  secretBox: SecretBox;
  /** Lease of the stream lock; renewed every third of it. */
  lockLeaseMs: number;
  /** Counts finished runs by stream kind and status for /metrics. */
  operations?: Pick<OperationsRecorder, 'syncRunFinished'>;
  /** Bounds the Graph requests in flight of this job's queue, when it runs more jobs than that (request-lanes.ts). */
  requestLanes?: RequestLanes;
}

export interface RunScope {
  integration: IntegrationEntity;
  conn: GraphConnection;
  run: SyncRunEntity;
  lock: HeldLock;
  /**
   * A full load was asked for: by the payload, or by a full request pending for the stream (a
   * token under its full-request key, request-sync.ts). The runner clears that token once a run
   * that ran in full (`run.mode`) succeeded.
   */
  fullRequested: boolean;
  /** Graph requests of this run so far (earlier attempts included). */
  graphRequests(): number;
  /**
   * Ends the run as succeeded with `counts`, in the body's last transaction: the run's row and its
   * `sync_run.finished` event commit with the last page (one transaction fewer per run), and the
   * runner does not finish it again. `run` takes the end once the body has returned (a
   * transaction that rolled back, retried or not, leaves it as it was).
   */
  finishIn(
    tx: Pick<SyncUnitOfWork, 'syncRuns' | 'events'>,
    counts: SyncRunResult & Pick<SyncRunEntity, 'mode'>,
  ): Promise<void>;
  /** Whether `finishIn` ended the run (true once the transaction that called it returned). */
  finished(): boolean;
}

export type RunOutcome = { status: 'succeeded' | 'needs_confirmation' };

export interface RunRequest {
  integrationId: string;
  stream: StreamKey;
  mode: 'full' | 'delta';
  trigger: SyncTrigger;
}

export async function runSyncJob(
  deps: SyncRunnerDeps,
  ctx: RunContext,
  req: RunRequest,
  body: (scope: RunScope) => Promise<RunOutcome>,
): Promise<Record<string, unknown>> {
  const integration = await deps.integrations.get(req.integrationId);
  if (!integration) {
    ctx.logger.info('integration gone; sync skipped');
    return { skipped: 'integration not found' };
  }
  const lock = await deps.coordination.acquireLock(req, deps.lockLeaseMs);
  if (!lock) return ctx.delay(Date.now() + 500 + Math.floor(Math.random() * 1500));
  const follows = streamKindOf(req.stream)?.followsChanges === true;
  if (req.mode === 'delta' && follows) {
    // At most two delta runs a second per stream, however many api processes ask: a run asked
    // for sooner waits, delayed (no worker slot held); requests meanwhile merge into it.
    const waitMs = await deps.coordination.claimDeltaStart(req, MIN_DELTA_GAP_MS);
    if (waitMs > 0) {
      await lock.release();
      return ctx.delay(Date.now() + waitMs);
    }
  }
  // A hold given back at once above wrote nothing: the records are of the runs.
  const acquiredAt = Date.now();
  ctx.logger.debug('stream lease acquired', { stream: req.stream, at: acquiredAt });
  let ended: 'succeeded' | 'needs_confirmation' | 'delayed' | 'lock_lost' | 'failed' = 'failed';
  let run: SyncRunEntity | undefined;
  const counter = createRequestCounter();
  // Graph requests of the run's earlier attempts; a body may write `run.graphRequests` as it goes.
  let base = 0;
  try {
    // The run's row (MySQL) and the stream's full-request token (Redis), side by side.
    const [started, fullToken] = await Promise.all([
      deps.syncRuns.runningForJob(ctx.jobId).then((r) => r ?? deps.syncRuns.start({ ...req, jobId: ctx.jobId })),
      follows ? deps.coordination.pendingFull(req) : null,
    ]);
    run = started;
    base = run.graphRequests;
    const current = run;
    let endedInBody: SyncRunEntity | null = null;
    const scope: RunScope = {
      integration,
      conn: toGraphConnection(integration, deps.secretBox, { counter, lanes: deps.requestLanes }),
      run,
      lock,
      fullRequested: req.mode === 'full' || fullToken !== null,
      graphRequests: () => base + counter.count,
      async finishIn(tx, counts) {
        const end = { ...current, ...counts };
        await tx.syncRuns.finishIn(
          end,
          { status: 'succeeded', graphRequests: scope.graphRequests(), error: null },
          tx.events,
        );
        endedInBody = end;
      },
      finished: () => endedInBody !== null,
    };
    const outcome = await body(scope);
    if (endedInBody) Object.assign(run, endedInBody);
    const status = endedInBody ? 'succeeded' : outcome.status;
    const cleared =
      fullToken !== null && status === 'succeeded' && run.mode === 'full'
        ? deps.coordination.clearFull(req, fullToken)
        : Promise.resolve();
    if (endedInBody) {
      // The run is over: a token left behind (Redis unreachable) only makes the next run a full one.
      await cleared.catch((err: Error) =>
        ctx.logger.warn('full-request token not cleared', { stream: req.stream, error: err.message }),
      );
    } else {
      await cleared;
      await deps.syncRuns.finish(run, { status, graphRequests: scope.graphRequests(), error: null });
    }
    ended = status;
    deps.operations?.syncRunFinished(req.integrationId, req.stream, status);
    return {
      runId: run.id,
      status,
      created: run.created,
      updated: run.updated,
      deactivated: run.deactivated,
      unchanged: run.unchanged,
    };
  } catch (err) {
    if (run && (await recordFailure(deps.syncRuns, run, err, ctx, base + counter.count)) === 'failed')
      deps.operations?.syncRunFinished(req.integrationId, req.stream, 'failed');
    if (err instanceof GraphThrottledError && err.retryAfterMs !== null) {
      ended = 'delayed';
      ctx.logger.warn('graph throttled; job delayed', { retryAfterMs: err.retryAfterMs });
      return ctx.delay(Date.now() + err.retryAfterMs);
    }
    if (err instanceof LockLostError) ended = 'lock_lost';
    throw err;
  } finally {
    const at = Date.now();
    ctx.logger.debug('stream lease released', {
      stream: req.stream,
      at,
      heldMs: at - acquiredAt,
      leaseLost: lock.lost,
      ended,
    });
    // Deleted while this run wrote: what it wrote after the DELETE is made inactive again (beside
    // the release: neither waits for the other).
    await Promise.all([lock.release(), deps.integrations.deactivateIfDeleted(req.integrationId)]);
  }
}

async function recordFailure(
  runs: SyncRunnerDeps['syncRuns'],
  run: SyncRunEntity,
  err: unknown,
  ctx: RunContext,
  graphRequests: number,
): Promise<'failed' | 'retrying'> {
  const message = err instanceof Error ? err.message : String(err);
  const retryable = !(err instanceof AppError) || err.retryable;
  const last = ctx.attemptsMade + 1 >= ctx.maxAttempts;
  if (err instanceof GraphThrottledError && err.retryAfterMs !== null) {
    await runs.save(
      Object.assign(run, { graphRequests, error: `throttled by Graph; resumes in ${err.retryAfterMs} ms` }),
    );
  } else if (retryable && !last) {
    await runs.save(
      Object.assign(run, { graphRequests, error: `attempt ${ctx.attemptsMade + 1} failed (retrying): ${message}` }),
    );
  } else {
    await runs.finish(run, { status: 'failed', graphRequests, error: message });
    return 'failed';
  }
  return 'retrying';
}
