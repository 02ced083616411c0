/**
 * The shapes of the job ids this service hands out: a UUID for every sync request
 * (`requestSync`), BullMQ's own counter (a positive integer) for every other job it enqueues.
 * Anything else names no job of ours, and some such strings are BullMQ's own keys (`meta`,
 * `events`, `repeat:<scheduler>`, …), which must never be read as a job.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COUNTER = /^[1-9][0-9]{0,15}$/;

export function isServiceJobId(id: string): boolean {
  return UUID.test(id) || COUNTER.test(id);
}
