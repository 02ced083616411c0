import { AppError } from '@ones-m365/shared/errors';

/** Thrown when the stream lock's lease was lost mid-run: stop writing, retry later. */
export class LockLostError extends AppError {
  constructor() {
    super('sync_lock_lost', 'The sync lock of this stream was lost; the run stops and is retried', 503, {
      retryable: true,
    });
  }
}

/** Throws LockLostError when the lease is gone: call right before every write. */
export function assertLockHeld(lock: { readonly lost: boolean }): void {
  if (lock.lost) throw new LockLostError();
}
