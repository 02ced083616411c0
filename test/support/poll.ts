/**
 * Polling with a generous upper bound, for tests that wait on other processes and queues (never a
 * timing assertion: the bound only turns a hang into a clear failure).
 */
import type { Queue } from 'bullmq';

export async function pollUntil<T>(
  what: string,
  fn: () => Promise<T> | T,
  pred: (v: T) => boolean = (v) => Boolean(v),
  opts: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const end = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 50));
  }
}

/** Until the queue has nothing waiting, delayed, prioritized or active. */
export async function queueIdle(queue: Queue, timeoutMs = 60_000): Promise<void> {
  await pollUntil(
    `an idle ${queue.name} queue`,
    () => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
    (c) => Object.values(c).every((n) => n === 0),
    { timeoutMs, everyMs: 100 },
  );
}
