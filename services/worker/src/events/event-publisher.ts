/**
 * The worker's publisher: runs publishing passes (shared/db publishEvents) whenever a sync page
 * of this process committed events (`wake`), and otherwise every `idleMs` (the api's writes and
 * other workers' pages). Woken passes start at least `minGapMs` apart (the idle ones do not
 * count): a change on a quiet stream is published at once, while a full load committing pages
 * many times a second is published four times a second, not once per page (each pass is a
 * transaction of its own, as busy on the database as a page's). Each integration that got events
 * is asked for a delivery when a webhook is configured; every `sweepMs` the integrations still
 * behind whose next attempt is due are asked again (a request lost with Redis, a delayed job Redis
 * forgot). Any number of workers may run one: passes take turns on the database.
 */
import type { PublishResult } from '@ones-m365/shared/db';
import type { Logger } from '@ones-m365/shared/logging';

export interface EventPublisherOptions {
  publish(limit: number): Promise<PublishResult>;
  /** Integrations behind with a due attempt. */
  due(now: Date): Promise<string[]>;
  /** Absent when no webhook is configured: events are published for replay only. */
  requestDelivery?: (integrationId: string) => Promise<void>;
  logger: Logger;
  idleMs?: number;
  /** Least time from one woken pass's start to the next one's (default 250 ms). */
  minGapMs?: number;
  sweepMs?: number;
  batch?: number;
}

export interface EventPublisher {
  /** A pass now (or right after the one running). */
  wake(): void;
  /** Stops, waiting for a pass in progress. */
  stop(): Promise<void>;
}

export function startEventPublisher(opts: EventPublisherOptions): EventPublisher {
  const idleMs = opts.idleMs ?? 500;
  const minGapMs = opts.minGapMs ?? 250;
  const sweepMs = opts.sweepMs ?? 5_000;
  const batch = opts.batch ?? 200;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failing = false;
  let lastSweep = 0;
  let lastWoken = -Infinity;
  /** Whether the pass scheduled next was asked for by `wake` (not the idle timer). */
  let woken = false;
  const soonest = () => Math.max(0, lastWoken + minGapMs - Date.now());

  const pass = async () => {
    let r: PublishResult;
    do {
      r = await opts.publish(batch);
      if (r.count && opts.requestDelivery) for (const id of r.integrationIds) await opts.requestDelivery(id);
    } while (r.count === batch && !stopped);
    if (opts.requestDelivery && Date.now() - lastSweep >= sweepMs) {
      for (const id of await opts.due(new Date())) await opts.requestDelivery(id);
      lastSweep = Date.now();
    }
  };
  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(run, ms);
  };
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    if (woken) lastWoken = Date.now();
    woken = false;
    running = pass()
      .then(() => {
        if (failing) opts.logger.info('events are published again');
        failing = false;
      })
      .catch((err: Error) => {
        // Once per outage, not once per pass.
        if (!failing) opts.logger.warn('events cannot be published; retrying', { error: err.message });
        failing = true;
      })
      .finally(() => {
        running = null;
        woken = again && !failing;
        again = false;
        schedule(woken ? soonest() : idleMs);
      });
  };
  schedule(0);
  return {
    wake() {
      if (stopped) return;
      if (running) again = true;
      else {
        woken = true;
        schedule(soonest());
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
