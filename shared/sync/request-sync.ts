/**
 * Coalesced sync requests (producer side: api routes, enable, the scheduler, webhooks), for any
 * registered stream (stream-kinds.ts).
 *
 * Mechanism: BullMQ 6 deduplication with `keepLastIfActive`, one deduplication id per stream of
 * an integration (`users:<id>`, `rooms:<id>`). In BullMQ's scripts (addStandardJob →
 * deduplicateJob / storeDeduplicatedNextJob; moveToFinished → requeueDeduplicatedJob):
 * - no job holds the id → a new job is added and holds it;
 * - the holder is waiting or delayed (throttled, backing off) → the request is merged into it
 *   (nothing is added; it has not read Graph yet, or will read on from where it stopped);
 * - the holder is active → the request is stored as the id's "next job" (later requests overwrite
 *   it), and BullMQ adds that job when the holder completes or finally fails.
 * So per stream there is at most one waiting and one running job, a request during a run gets
 * exactly one follow-up, and nothing is dropped. The id is released on completion or final
 * failure, not on a retry, so a retried run still holds it.
 *
 * BullMQ keeps only the latest next-job payload, so "a full request upgrades a waiting or queued
 * delta" is not left to the payload: for a stream that follows changes, a full request first
 * writes a token under the stream's full-request key (coordination.ts), then adds the job; the
 * job runs in full while that key holds a token, deleting it only if unchanged when the full load
 * finished.
 *
 * Two runs of one stream could still overlap if BullMQ judged a live job stalled (a blocked
 * event loop past its lock); the worker therefore also holds a Redis lock per stream with a
 * renewed lease (stream-lock.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Producer } from '../queue/index.js';
import type { Coordination } from './coordination.js';
import { streamDedupId } from './stream-key.js';
import { streamKindOf, type StreamSyncRequest } from './stream-kinds.js';

export type { StreamSyncRequest as SyncRequest } from './stream-kinds.js';

export interface SyncRequestDeps {
  producer: Pick<Producer, 'enqueue'>;
  coordination: Pick<Coordination, 'requestFull'>;
}

export interface SyncRequestResult {
  /** The job that will serve the request (the waiting one it was merged into, or a new one). */
  jobId: string;
  /** False when a job was added for this request; true when merged into (or queued after) another. */
  coalesced: boolean;
}

/** Thrown for a stream this version does not sync (callers with stored stream keys check first). */
export class NotSyncedStreamError extends Error {
  constructor(stream: string) {
    super(`Stream ${stream} is not synced by this version`);
    this.name = 'NotSyncedStreamError';
  }
}

export async function requestSync(deps: SyncRequestDeps, req: StreamSyncRequest): Promise<SyncRequestResult> {
  const kind = streamKindOf(req.stream);
  if (!kind) throw new NotSyncedStreamError(req.stream);
  const jobId = randomUUID();
  // Written before the add, so the job (or the waiting one it merges into) sees it.
  if (kind.followsChanges && req.mode === 'full') await deps.coordination.requestFull(req, jobId);
  const { id } = await kind.enqueue(deps.producer, req, {
    jobId,
    deduplication: { id: streamDedupId(req.stream, req.integrationId), keepLastIfActive: true },
  });
  return { jobId: id, coalesced: id !== jobId };
}
