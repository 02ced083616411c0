import { expect } from 'chai';
import { createRequestLanes } from '../../../shared/graph/index.js';

const tick = () => new Promise((r) => setImmediate(r));

function gate() {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('graph/request-lanes', () => {
  it('lets at most `size` requests run at once and starts the waiting ones first come, first served', async () => {
    const lanes = createRequestLanes(2);
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const done = gates.map((g, i) =>
      lanes.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await tick();
    expect(started).to.deep.equal([0, 1]);
    expect(lanes.busy).to.equal(2);
    gates[1]!.open();
    await tick();
    expect(started).to.deep.equal([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    await tick();
    expect(started).to.deep.equal([0, 1, 2, 3, 4]);
    gates[3]!.open();
    gates[4]!.open();
    expect(await Promise.all(done)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(lanes.busy).to.equal(0);
  });

  it('gives the lane back when a request fails, and the failure reaches its caller', async () => {
    const lanes = createRequestLanes(1);
    const first = gate();
    const failed = lanes.run(() => first.promise);
    const next = lanes.run(async () => 'next');
    first.fail(new Error('graph down'));
    let message = '';
    await failed.catch((err: Error) => (message = err.message));
    expect(message).to.equal('graph down');
    expect(await next).to.equal('next');
    expect(lanes.busy).to.equal(0);
  });

  it('refuses a size that is not a whole number of at least 1', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => createRequestLanes(size)).to.throw(RangeError);
  });
});
