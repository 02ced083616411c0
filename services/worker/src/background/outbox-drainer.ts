/**
 * Moves the job outbox into BullMQ: the follow-ups an api process could not enqueue right after
 * its commit (Redis was unreachable, or the api stopped in between). Rows younger than `graceMs`
 * are left to the write that made them, so its answer can name the jobs. A pass stops at the
 * first failure (Redis still away) and the next pass tries again; nothing is lost meanwhile.
 */
import type { Logger } from '@ones-m365/shared/logging';
import type { Outbox } from '@ones-m365/shared/outbox';
import { every, type Periodic } from './every.js';

export interface OutboxDrainerOptions {
  outbox: Pick<Outbox, 'drain'>;
  logger: Logger;
  everyMs: number;
  graceMs: number;
  batch?: number;
}

export function startOutboxDrainer(opts: OutboxDrainerOptions): Periodic {
  const batch = opts.batch ?? 100;
  let failing = false;
  return every(opts.everyMs, async () => {
    try {
      let moved: number;
      do {
        moved = await opts.outbox.drain({ limit: batch, createdBefore: new Date(Date.now() - opts.graceMs) });
        if (moved) opts.logger.info('pending jobs enqueued', { count: moved });
      } while (moved === batch);
      if (failing) opts.logger.info('job outbox drains again');
      failing = false;
    } catch (err) {
      // Once per outage, not once per pass.
      if (!failing) opts.logger.warn('job outbox cannot be drained; retrying', { error: (err as Error).message });
      failing = true;
    }
  });
}
