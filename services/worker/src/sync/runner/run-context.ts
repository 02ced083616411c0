import type { Logger } from '@ones-m365/shared/logging';

/** What a sync run needs from the job running it (the worker's job context provides it). */
export interface RunContext {
  jobId: string;
  attemptsMade: number;
  /** The job's `attempts` option: the attempt numbered `maxAttempts` is the last. */
  maxAttempts: number;
  logger: Logger;
  /** Reported to Bull Board and `GET /jobs/{id}`. */
  progress(value: number | Record<string, unknown>): Promise<void>;
  /**
   * Puts the job back as delayed until `untilMs` (epoch ms) without using an attempt, freeing
   * the worker slot meanwhile (a throttled integration must not stall the others). Never returns.
   */
  delay(untilMs: number): Promise<never>;
}
