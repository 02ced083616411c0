import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createRedisConnection } from '@ones-m365/shared/queue';
import { acquireStreamLock } from '@ones-m365/shared/sync';
import { TEST_REDIS } from '../../support/services.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stream lock (real Redis)', () => {
  it('is held by one holder at a time, renewed while it lives, and released by its holder', async () => {
    const a = createRedisConnection(TEST_REDIS, 'worker');
    const b = createRedisConnection(TEST_REDIS, 'worker');
    const key = `t-lock-${randomUUID()}`;
    try {
      const held = await acquireStreamLock(a, key, 300);
      expect(held).to.not.equal(null);
      expect(await acquireStreamLock(b, key, 300)).to.equal(null);
      await sleep(700); // longer than the lease: renewals keep it
      expect(held!.lost).to.equal(false);
      expect(await acquireStreamLock(b, key, 300)).to.equal(null);
      await held!.release();
      const next = await acquireStreamLock(b, key, 300);
      expect(next).to.not.equal(null);
      await next!.release();
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('counts as lost once its lease ran out without a renewal (Redis unreachable), so the holder stops writing', async () => {
    const a = createRedisConnection(TEST_REDIS, 'worker');
    const b = createRedisConnection(TEST_REDIS, 'worker');
    const key = `t-lock-${randomUUID()}`;
    try {
      const held = await acquireStreamLock(a, key, 300);
      a.disconnect(); // this holder can no longer reach Redis
      await sleep(450);
      expect(held!.lost).to.equal(true);
      const other = await acquireStreamLock(b, key, 300); // and indeed another may take it now
      expect(other).to.not.equal(null);
      await other!.release();
      await held!.release();
    } finally {
      b.disconnect();
    }
  });
});
