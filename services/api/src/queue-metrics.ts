/**
 * The queue gauges, read from Redis at scrape time. A scrape never waits on Redis for long nor
 * fails because of it: the counts are read within `timeoutMs`; when Redis does not answer in
 * time, `ones_m365_queue_jobs` is left out of that scrape (no stale numbers) and
 * `ones_m365_queue_metrics_up` is 0. The process and HTTP metrics are served as always.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Producer } from '@ones-m365/shared/queue';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

export const QUEUE_METRICS_TIMEOUT_MS = 500;

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
  );
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type QueueCounts = { queue: string; counts: Record<string, number> }[];

async function readCounts(producer: Producer): Promise<QueueCounts> {
  return await Promise.all(
    producer.queues().map(async (q) => ({ queue: q.name, counts: await q.getJobCounts(...STATES) })),
  );
}

export function registerQueueGauges(
  registry: Registry,
  producer: Producer,
  timeoutMs = QUEUE_METRICS_TIMEOUT_MS,
): void {
  // prom-client collects every metric of a scrape at once: both gauges share one read of Redis.
  let reading: Promise<QueueCounts | null> | null = null;
  const read = () =>
    (reading ??= within(timeoutMs, readCounts(producer))
      .catch(() => null)
      .finally(() => (reading = null)));
  new Gauge({
    name: 'ones_m365_queue_metrics_up',
    help: '1 when this scrape read the queue gauges from Redis, 0 when Redis did not answer in time (ones_m365_queue_jobs is then absent)',
    registers: [registry],
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'ones_m365_queue_jobs',
    help: 'Jobs per queue and state, read from Redis at scrape time (absent while Redis does not answer)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { queue, counts } of (await read()) ?? []) {
        for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
      }
    },
  });
}
