import { expect } from 'chai';
import sinon from 'sinon';
import { silentLogger } from '../../../shared/logging/index.js';
import { startEventPublisher, type EventPublisher } from '../../../services/worker/src/events/event-publisher.js';

describe('worker/event-publisher', () => {
  let clock: sinon.SinonFakeTimers;
  let publisher: EventPublisher | undefined;
  let passes: number[];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_000_000 });
    passes = [];
  });
  afterEach(async () => {
    await publisher?.stop();
    clock.restore();
  });

  const start = (minGapMs?: number) =>
    (publisher = startEventPublisher({
      publish: async () => {
        passes.push(Date.now());
        return { count: 0, integrationIds: [] };
      },
      due: async () => [],
      logger: silentLogger(),
      idleMs: 10_000,
      ...(minGapMs === undefined ? {} : { minGapMs }),
    }));

  it('publishes at once when woken after a quiet while, and at most once per gap while woken again and again', async () => {
    const p = start(250);
    await clock.tickAsync(0);
    expect(passes).to.have.length(1); // the first pass, at start

    await clock.tickAsync(5_000);
    p.wake();
    await clock.tickAsync(0);
    expect(passes).to.have.length(2); // quiet before: no wait

    // A load: a page commits every 20 ms for 1 s.
    for (let i = 0; i < 50; i++) {
      p.wake();
      await clock.tickAsync(20);
    }
    await clock.tickAsync(250);
    const during = passes.slice(2);
    expect(during.length).to.be.within(4, 5);
    for (let i = 1; i < during.length; i++) expect(during[i]! - during[i - 1]!).to.be.at.least(250);
    // The last wake is published, within the gap.
    expect(passes.at(-1)! - (1_000_000 + 5_000 + 49 * 20)).to.be.at.most(250);
  });

  it('does not count an idle pass: a wake just after one is published at once', async () => {
    const p = start(250);
    await clock.tickAsync(10_000); // the start's pass, then the idle one at 10 s
    expect(passes).to.have.length(2);
    await clock.tickAsync(50);
    p.wake();
    await clock.tickAsync(0);
    expect(passes).to.have.length(3);
    expect(passes[2]! - passes[1]!).to.equal(50);
  });

  it('without a wake, publishes every idleMs', async () => {
    start();
    await clock.tickAsync(30_000);
    expect(passes).to.have.length(4);
  });
});
