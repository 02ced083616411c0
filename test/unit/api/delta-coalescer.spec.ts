import { expect } from 'chai';
import sinon from 'sinon';
import { DeltaCoalescer } from '../../../services/api/src/webhooks/delta-coalescer.js';

describe('DeltaCoalescer (webhook memo)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  const make = (fail = () => false) => {
    const sent: string[] = [];
    const c = new DeltaCoalescer({
      windowMs: 500,
      now: () => clock.now,
      send: async (k) => {
        sent.push(k);
        if (fail()) throw new Error('redis down');
      },
    });
    return { c, sent };
  };

  it('a burst on one stream costs one request, then one trailing request after the window', async () => {
    const { c, sent } = make();
    await c.request('a');
    for (let i = 0; i < 100; i++) await c.request('a');
    expect(sent).to.deep.equal(['a']);
    await clock.tickAsync(600);
    expect(sent).to.deep.equal(['a', 'a']);
    await clock.tickAsync(600);
    expect(sent).to.deep.equal(['a', 'a']); // nothing more arrived: no third request
  });

  it('callers arriving while a request is in flight share its answer and earn a trailing request', async () => {
    const { c, sent } = make();
    const [p1, p2] = [c.request('a'), c.request('a')];
    await Promise.all([p1, p2]);
    expect(sent).to.have.length(1);
    await clock.tickAsync(600);
    expect(sent).to.have.length(2);
  });

  it('streams are independent; a quiet stream sends no trailing request', async () => {
    const { c, sent } = make();
    await c.request('a');
    await c.request('b');
    await clock.tickAsync(1_000);
    expect(sent).to.deep.equal(['a', 'b']);
  });

  it('a failed leading request rejects its callers (→ 503) and is not remembered', async () => {
    let down = true;
    const { c, sent } = make(() => down);
    let err: unknown;
    await c.request('a').catch((e) => (err = e));
    expect(err).to.be.instanceOf(Error);
    down = false;
    await c.request('a');
    expect(sent).to.have.length(2);
  });

  it('a failed trailing request is retried every window until it goes through', async () => {
    let down = false;
    const { c, sent } = make(() => down);
    await c.request('a');
    await c.request('a'); // answered from the memo: the trailing request owes it
    down = true;
    await clock.tickAsync(600);
    await clock.tickAsync(600);
    expect(sent).to.have.length(3);
    down = false;
    await clock.tickAsync(600);
    expect(sent).to.have.length(4);
    await clock.tickAsync(2_000);
    expect(sent).to.have.length(4);
  });

  it('while a trailing request is in flight, callers are answered at once and owed the next one', async () => {
    let release: () => void = () => undefined;
    const sent: string[] = [];
    const c = new DeltaCoalescer({
      windowMs: 500,
      now: () => clock.now,
      send: (k) => {
        sent.push(k);
        return sent.length === 2 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
    });
    await c.request('a');
    await c.request('a');
    await clock.tickAsync(600); // trailing request sent, not yet acknowledged
    expect(sent).to.have.length(2);
    let answered = false;
    void c.request('a').then(() => (answered = true));
    await clock.tickAsync(0);
    expect(answered).to.equal(true);
    release();
    await clock.tickAsync(600);
    expect(sent).to.have.length(3);
  });
  it('once a request failed, callers wait for the next one to reach Redis (503 if it fails) rather than being answered at once', async () => {
    let down = false;
    let fail: () => void = () => undefined;
    const sent: string[] = [];
    const c = new DeltaCoalescer({
      windowMs: 500,
      now: () => clock.now,
      send: (k) => {
        sent.push(k);
        if (!down) return Promise.resolve();
        if (sent.length === 2) return Promise.reject(new Error('redis down'));
        return new Promise<void>((_, reject) => (fail = () => reject(new Error('redis down'))));
      },
    });
    await c.request('a');
    await c.request('a'); // answered from the memo: owed a trailing request
    down = true;
    await clock.tickAsync(600); // the trailing request fails: nothing is known to be queued now
    expect(sent).to.have.length(2);
    const first = c.request('a').then(
      () => 'accepted',
      () => 'unavailable',
    ); // goes to Redis, which hangs
    expect(sent).to.have.length(3);
    const second = c.request('a').then(
      () => 'accepted',
      () => 'unavailable',
    );
    let settled = false;
    void second.then(() => (settled = true));
    await clock.tickAsync(0);
    expect(settled, 'answered before Redis acknowledged anything').to.equal(false);
    fail();
    expect(await first).to.equal('unavailable');
    expect(await second).to.equal('unavailable');
  });
});
