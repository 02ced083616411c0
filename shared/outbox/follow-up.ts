/**
 * Follow-up work of a write, as the job outbox stores it (pending_jobs: `kind` + `payload`), and
 * how one becomes a BullMQ job. Both kinds are idempotent and coalesced by the queue (one waiting
 * run per stream, one waiting reconcile per integration), so a follow-up enqueued twice costs
 * nothing.
 */
import type { Producer, SyncTrigger } from '../queue/index.js';
import { requestReconcile } from '../subscriptions/index.js';
import { requestSync, type SyncStream } from '../sync/index.js';

export type FollowUp =
  | { kind: 'sync'; stream: SyncStream; mode: 'full' | 'delta'; trigger: SyncTrigger }
  | { kind: 'reconcile'; verify?: boolean };

export const syncFollowUp = (stream: SyncStream, mode: 'full' | 'delta', trigger: SyncTrigger): FollowUp => ({ kind: 'sync', stream, mode, trigger });
export const reconcileFollowUp = (verify = false): FollowUp => (verify ? { kind: 'reconcile', verify: true } : { kind: 'reconcile' });

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
export async function dispatchFollowUp(producer: Producer, integrationId: string, f: FollowUp): Promise<string> {
  if (f.kind === 'sync') return (await requestSync(producer, { integrationId, stream: f.stream, mode: f.mode, trigger: f.trigger })).jobId;
  return (await requestReconcile(producer, integrationId, { verify: f.verify === true })).id;
}
