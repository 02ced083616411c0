/**
 * Coalesced sync requests (producer side: api routes, enable, the scheduler, webhooks).
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
 * delta" is not left to the payload: a full request also writes a token under a per-stream key
 * (sent with the add, on the same connection: still one round trip), and the users job runs in
 * full while that key holds a token, deleting it only if unchanged when the full load finished.
 *
 * Two runs of one stream could still overlap if BullMQ judged a live job stalled (a blocked
 * event loop past its lock); the worker therefore also holds a Redis lock per stream with a
 * renewed lease (stream-lock.ts).
 */
import { randomUUID } from 'node:crypto';
import { QUEUES, type Producer, type SyncTrigger } from '../queue/index.js';
import { dedupIdFor, syncKeys, type SyncStream } from './keys.js';

export interface SyncRequest {
  integrationId: string;
  stream: SyncStream;
  /** Rooms are always walked in full; for users, `full` reloads and `delta` follows changes. */
  mode: 'full' | 'delta';
  trigger: SyncTrigger;
}

export interface SyncRequestResult {
  /** The job that will serve the request (the waiting one it was merged into, or a new one). */
  jobId: string;
  /** False when a job was added for this request; true when merged into (or queued after) another. */
  coalesced: boolean;
}

export async function requestSync(producer: Producer, req: SyncRequest): Promise<SyncRequestResult> {
  const jobId = randomUUID();
  const deduplication = { id: dedupIdFor(req.stream, req.integrationId), keepLastIfActive: true };
  let flag: Promise<unknown> = Promise.resolve();
  if (req.stream === 'users' && req.mode === 'full') {
    const queue = producer.queue(QUEUES.sync);
    const redis = await queue.getBackend().client;
    // Written before the add on the same connection, so Redis applies it first.
    flag = redis.set(syncKeys(queue.opts.prefix ?? 'bull', req.stream, req.integrationId).fullRequest, jobId);
  }
  const add =
    req.stream === 'rooms'
      ? producer.enqueue('rooms.sync', { integrationId: req.integrationId, trigger: req.trigger }, { jobId, deduplication })
      : producer.enqueue('users.sync', { integrationId: req.integrationId, mode: req.mode, trigger: req.trigger }, { jobId, deduplication });
  const [, { id }] = await Promise.all([flag, add]);
  return { jobId: id, coalesced: id !== jobId };
}

/** A full sync of both streams (enable, "sync now"): rooms first, then users. */
export async function requestFullSync(producer: Producer, integrationId: string, trigger: SyncTrigger): Promise<{ rooms: SyncRequestResult; users: SyncRequestResult }> {
  const rooms = await requestSync(producer, { integrationId, stream: 'rooms', mode: 'full', trigger });
  const users = await requestSync(producer, { integrationId, stream: 'users', mode: 'full', trigger });
  return { rooms, users };
}
