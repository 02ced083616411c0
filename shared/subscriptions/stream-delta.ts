/**
 * A notification (or lifecycle event) only ever asks for a delta run of its stream, through the
 * sync helper that coalesces requests (one waiting run per stream + the running one).
 */
import type { Producer, SyncTrigger } from '../queue/index.js';
import { requestSync, type SyncRequestResult } from '../sync/index.js';

export class UnknownStreamError extends Error {
  constructor(stream: string) {
    super(`No delta run for stream ${stream}`);
    this.name = 'UnknownStreamError';
  }
}

export async function requestStreamDelta(producer: Producer, integrationId: string, stream: string, trigger: SyncTrigger): Promise<SyncRequestResult> {
  if (stream === 'users') return await requestSync(producer, { integrationId, stream: 'users', mode: 'delta', trigger });
  throw new UnknownStreamError(stream);
}
