import { expect } from 'chai';
import sinon from 'sinon';
import { buildRegistry } from '../../../services/worker/src/jobs/job-handler.js';
import { pruneSyncRunsJob } from '../../../services/worker/src/jobs/prune-sync-runs.job.js';
import { silentLogger } from '@ones-m365/shared/logging';
import type { JobName } from '@ones-m365/shared/queue';

const ctx = {
  jobId: '1',
  attemptsMade: 0,
  maxAttempts: 1,
  logger: silentLogger(),
  progress: async () => undefined,
  delay: async (): Promise<never> => {
    throw new Error('not delayed in this test');
  },
};

describe('job registry', () => {
  const prune = pruneSyncRunsJob({ syncRuns: { pruneBefore: async () => 0 } });

  it('accepts exactly one handler per job name', () => {
    const reg = buildRegistry([prune], ['maintenance.prune-sync-runs']);
    expect(reg.get('maintenance.prune-sync-runs')).to.equal(prune);
  });

  it('refuses to start with a missing, doubled or unknown handler', () => {
    expect(() => buildRegistry([], ['maintenance.prune-sync-runs'])).to.throw(/has no handler/);
    expect(() => buildRegistry([prune, prune], ['maintenance.prune-sync-runs'])).to.throw(/two handlers/);
    expect(() =>
      buildRegistry([{ ...prune, name: 'nope' as JobName }, prune], ['maintenance.prune-sync-runs']),
    ).to.throw(/unknown job nope/);
  });
});

describe('maintenance.prune-sync-runs', () => {
  it('deletes runs older than the retention period', async () => {
    const pruneBefore = sinon.stub().resolves(7);
    const now = new Date('2026-11-28T12:00:00Z');
    const job = pruneSyncRunsJob({ syncRuns: { pruneBefore }, now: () => now });
    const result = await job.handle({ olderThanDays: 30 }, ctx);
    expect(result).to.deep.equal({ deleted: 7 });
    expect(pruneBefore.calledOnceWithExactly(new Date('2026-10-29T12:00:00Z'))).to.equal(true);
  });
});
