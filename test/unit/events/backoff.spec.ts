import { expect } from 'chai';
import { backoffDelay, DELIVERY_BACKOFF } from '@ones-m365/shared/events';

describe('events: delivery backoff', () => {
  const low = () => 0;
  const high = () => 0.999999;

  it('doubles from 1 s per failure in a row, half fixed and half random', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, DELIVERY_BACKOFF, low))).to.deep.equal([
      500, 1_000, 2_000, 4_000, 8_000,
    ]);
    expect([1, 2, 3].map((a) => backoffDelay(a, DELIVERY_BACKOFF, high))).to.deep.equal([1_000, 2_000, 4_000]);
  });

  it('never waits more than 15 minutes, however long the streak', () => {
    expect(backoffDelay(30, DELIVERY_BACKOFF, high)).to.equal(15 * 60_000);
    expect(backoffDelay(10_000, DELIVERY_BACKOFF, low)).to.equal(7.5 * 60_000);
  });

  it('spreads retries of integrations that failed together (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(8)));
    expect(delays.size).to.be.greaterThan(40);
    for (const d of delays) expect(d).to.be.within(64_000, 128_000);
  });

  it('keeps retrying for 24 hours: about a hundred attempts before anything is given up', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < DELIVERY_BACKOFF.giveUpAfterMs) elapsed += backoffDelay(++attempts, DELIVERY_BACKOFF, high);
    expect(attempts).to.be.within(90, 110);
  });
});
