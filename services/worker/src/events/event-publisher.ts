/**
 * The worker's publisher: runs publishing passes (shared/db publishEvents) whenever a sync page
 * of this process committed events (`wake`), and otherwise every `idleMs` (the api's writes and
 * other workers' pages). Each integration that got events is asked for a delivery when a webhook
 * is configured; every `sweepMs` the integrations still behind whose next attempt is due are asked
 * again (a request lost with Redis, a delayed job Redis forgot). Any number of workers may run
 * one: passes take turns on the database.
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
  const sweepMs = opts.sweepMs ?? 5_000;
  const batch = opts.batch ?? 200;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let failing = false;
  let lastSweep = 0;

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
        const soon = again;
        again = false;
        schedule(soon && !failing ? 0 : idleMs);
      });
  };
  schedule(0);
  return {
    wake() {
      if (stopped) return;
      if (running) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
