import { expect } from 'chai';
import sinon from 'sinon';
import { DeadlineError, withinDeadline } from '@ones-m365/shared/errors';

describe('withinDeadline', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  const settleAfter = <T>(ms: number, outcome: { value: T } | { error: Error }) =>
    new Promise<T>((resolve, reject) =>
      setTimeout(() => ('value' in outcome ? resolve(outcome.value) : reject(outcome.error)), ms),
    );

  it("gives the work's value, or its failure, when it settles in time (and leaves no timer behind)", async () => {
    const ok = withinDeadline(settleAfter(10, { value: 42 }), 100, 'late');
    await clock.tickAsync(10);
    expect(await ok).to.equal(42);
    const failed = withinDeadline(settleAfter(10, { error: new Error('boom') }), 100, 'late').catch(
      (e: Error) => e.message,
    );
    await clock.tickAsync(10);
    expect(await failed).to.equal('boom');
    expect(clock.countTimers()).to.equal(0);
  });

  it('rejects with a DeadlineError naming the deadline when the work is slower; a later failure of the work is not unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = withinDeadline(
        settleAfter(500, { error: new Error('after the deadline') }),
        100,
        'no answer within 0.1 s',
      ).catch((e: unknown) => e);
      await clock.tickAsync(100);
      const err = await late;
      expect(err).to.be.instanceOf(DeadlineError);
      expect((err as Error).message).to.equal('no answer within 0.1 s');
      await clock.tickAsync(400);
      clock.restore();
      await new Promise((r) => setImmediate(r));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
