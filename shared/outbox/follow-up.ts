/**
 * Follow-up work of a write, as the job outbox stores it (pending_jobs: `kind` + `payload`), and
 * how one becomes a BullMQ job. Both kinds are idempotent and coalesced by the queue (one waiting
 * run per stream, one waiting reconcile per integration), so a follow-up enqueued twice costs
 * nothing.
 */
import type { SyncTrigger } from '../queue/index.js';
import { requestReconcile } from '../subscriptions/index.js';
import { isSyncedStream, requestSync, type StreamKey, type SyncRequestDeps } from '../sync/index.js';

export type FollowUp =
  | { kind: 'sync'; stream: StreamKey; mode: 'full' | 'delta'; trigger: SyncTrigger }
  | { kind: 'reconcile'; verify?: boolean };

export const syncFollowUp = (stream: StreamKey, mode: 'full' | 'delta', trigger: SyncTrigger): FollowUp => ({
  kind: 'sync',
  stream,
  mode,
  trigger,
});

/** A stored sync follow-up of a stream this version does not sync (a retired kind) is dropped, not retried forever. */
export const isDroppedFollowUp = (f: FollowUp): boolean => f.kind === 'sync' && !isSyncedStream(f.stream);
export const reconcileFollowUp = (verify = false): FollowUp =>
  verify ? { kind: 'reconcile', verify: true } : { kind: 'reconcile' };

/** Splits a follow-up into the row's columns. */
export function toRow(f: FollowUp): { kind: FollowUp['kind']; payload: Omit<FollowUp, 'kind'> } {
  const { kind, ...payload } = f;
  return { kind, payload };
}

/** The follow-up a row holds (rows are only ever written by `toRow`). */
export function fromRow(row: { kind: string; payload: unknown }): FollowUp {
  return { ...(row.payload as object), kind: row.kind } as FollowUp;
}

/** Enqueues the follow-up; answers the id of the job that serves it. */
export async function dispatchFollowUp(deps: SyncRequestDeps, integrationId: string, f: FollowUp): Promise<string> {
  if (f.kind === 'sync')
    return (await requestSync(deps, { integrationId, stream: f.stream, mode: f.mode, trigger: f.trigger })).jobId;
  return (await requestReconcile(deps.producer, integrationId, { verify: f.verify === true })).id;
}
