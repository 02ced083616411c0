import type { JobName, JobPayloads } from '@ones-m365/shared/queue';
import type { RunContext } from '../sync/runner/run-context.js';

/** What a job handler gets from the worker: what a sync run needs is all there is. */
export type JobContext = RunContext;

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
