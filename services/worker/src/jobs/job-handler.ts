import type { Logger } from '@ones-m365/shared/logging';
import type { JobName, JobPayloads } from '@ones-m365/shared/queue';

export interface JobContext {
  jobId: string;
  attemptsMade: number;
  logger: Logger;
  /** The job's `attempts` option: the attempt numbered `maxAttempts` is the last. */
  maxAttempts: number;
  /** Reported to Bull Board and `GET /jobs/{id}`. */
  progress(value: number | Record<string, unknown>): Promise<void>;
  /**
   * Puts the job back as delayed until `untilMs` (epoch ms) without using an attempt, freeing
   * the worker slot meanwhile (a throttled integration must not stall the others). Never returns.
   */
  delay(untilMs: number): Promise<never>;
}

export interface JobHandler<N extends JobName = JobName> {
  name: N;
  handle(payload: JobPayloads[N], ctx: JobContext): Promise<unknown>;
}

/** The registry: exactly one handler per job name, checked at boot. */
export type JobRegistry = ReadonlyMap<JobName, JobHandler>;

export function buildRegistry(handlers: JobHandler[], expected: readonly JobName[]): JobRegistry {
  const map = new Map<JobName, JobHandler>();
  const problems: string[] = [];
  for (const h of handlers) {
    if (map.has(h.name)) problems.push(`job ${h.name} has two handlers`);
    if (!expected.includes(h.name)) problems.push(`handler for unknown job ${h.name}`);
    map.set(h.name, h);
  }
  for (const name of expected) if (!map.has(name)) problems.push(`job ${name} has no handler`);
  if (problems.length) throw new Error(`Job registry is inconsistent: ${problems.join('; ')}`);
  return map;
}
