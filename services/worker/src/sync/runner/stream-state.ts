/**
 * The two writes of a stream's sync_states row that a round makes: its checkpoint after a page,
 * and its end (the deltaLink to follow next time, no checkpoint, idle).
 */
import type { SyncStatePatch } from '@ones-m365/shared/db';

export function checkpointState(checkpoint: unknown): SyncStatePatch {
  return { checkpoint: JSON.stringify(checkpoint), status: 'running' };
}

export function roundEndState(deltaLink: string | null, now = new Date()): SyncStatePatch {
  return { deltaLink, checkpoint: null, status: 'idle', lastError: null, lastSyncedAt: now };
}
