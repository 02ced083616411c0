/**
 * Redis keys of the sync coordination, next to the `sync` queue's own keys
 * (`<prefix>:sync:…`), so a queue prefix isolates them like the queue.
 */
import { QUEUES } from '../queue/index.js';

export type SyncStream = 'rooms' | 'users';
export const SYNC_STREAMS: readonly SyncStream[] = ['rooms', 'users'];

/** BullMQ deduplication id: one per stream of one integration. */
export function dedupIdFor(stream: SyncStream, integrationId: string): string {
  return `${stream}:${integrationId}`;
}

export function syncKeys(prefix: string, stream: SyncStream, integrationId: string): { fullRequest: string; lock: string } {
  const base = `${prefix}:${QUEUES.sync}:m365`;
  return { fullRequest: `${base}:full:${stream}:${integrationId}`, lock: `${base}:lock:${stream}:${integrationId}` };
}
