import type { JobsOptions } from 'bullmq';
import type { JobName } from './job-payloads.js';

/**
 * Default job options, in one place: a few attempts with exponential backoff, completed jobs
 * kept a day (so `GET /jobs/{id}` answers), failed ones a week (so an operator can see them).
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 5_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** Per-job overrides of the defaults. */
export const JOB_OPTIONS: Partial<Record<JobName, JobsOptions>> = {
  'maintenance.prune-sync-runs': { attempts: 3 },
  'maintenance.prune-events': { attempts: 3 },
  // Sync runs resume from their checkpoint, so retrying is cheap: more attempts, and jitter so
  // that throttled integrations (429 without Retry-After) do not retry in lockstep.
  'rooms.sync': { attempts: 8, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 } },
  'users.sync': { attempts: 8, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 } },
  'calendar.sync': { attempts: 8, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 } },
  // A throttled mailbox's declines: Retry-After delays it (no attempt used); other failures back off.
  'booking.decline': { attempts: 10, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 } },
  'booking-policy.recheck': { attempts: 5, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 } },
};

export function optionsFor(name: JobName, extra: JobsOptions = {}): JobsOptions {
  return { ...DEFAULT_JOB_OPTIONS, ...JOB_OPTIONS[name], ...extra };
}
