import { expect } from 'chai';
import { cursorOf, type EventDeliveryEntity, type EventPosition, type StoredEvent } from '@ones-m365/shared/db';
import { silentLogger } from '@ones-m365/shared/logging';
import {
  BATCH_EVENTS,
  eventsDeliverJob,
  type EventsDeliverDeps,
} from '../../../services/worker/src/jobs/events-deliver.job.js';
import type { JobContext } from '../../../services/worker/src/jobs/job-handler.js';
import type { PostResult } from '../../../services/worker/src/events/webhook-post.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const HOUR = 3600_000;

/** The outbox (batches of 7 events) and the delivery row in memory, with the repositories' semantics. */
function world(count: number, opts: { ageMs?: number } = {}) {
  const events: StoredEvent[] = Array.from({ length: count }, (_, i) => {
    const id = `e-${String(i).padStart(5, '0')}`;
    const occurredAt = new Date(NOW.getTime() - (opts.ageMs ?? 0) + i);
    const seq = 1 + Math.floor(i / 7);
    return {
      id,
      type: 'user.created',
      integrationId: 'i1',
      occurredAt,
      json: JSON.stringify({ id, type: 'user.created', integrationId: 'i1', occurredAt, data: { n: i } }),
      position: { seq, batch: `b-${seq}`, index: i % 7 },
    };
  });
  const cmp = (x: EventPosition, y: EventPosition) =>
    x.seq - y.seq || (x.batch < y.batch ? -1 : x.batch > y.batch ? 1 : 0) || x.index - y.index;
  const after = (p: EventPosition) => (e: StoredEvent) => cmp(e.position, p) > 0;
  const last = events.at(-1);
  const state: EventDeliveryEntity = {
    integrationId: 'i1',
    headSeq: last?.position.seq ?? 0,
    headId: last?.position.batch ?? '',
    headIndex: last?.position.index ?? -1,
    cursorSeq: 0,
    cursorId: '',
    cursorIndex: -1,
    cursorEventId: '',
    attempts: 0,
    failingSince: null,
    nextAttemptAt: null,
    lastError: null,
    lastDeliveredAt: null,
    deliveredTotal: 0,
    givenUpTotal: 0,
    givenUpAt: null,
    givenUpAfter: null,
    givenUpCount: 0,
    updatedAt: NOW,
  };
  const sameCursor = (p: EventPosition) => cmp(cursorOf(state), p) === 0;
  const move = (to: EventPosition & { eventId: string }) =>
    Object.assign(state, { cursorSeq: to.seq, cursorId: to.batch, cursorIndex: to.index, cursorEventId: to.eventId });
  const deps: Omit<EventsDeliverDeps, 'post'> = {
    events: {
      published: async (f) => events.filter(after(f.after!)).slice(0, f.limit),
      countAfter: async (_i, a, t) => events.filter(after(a)).filter((e) => !t || cmp(e.position, t) <= 0).length,
      lastOccurredBy: async (_i, a, cutoff) => {
        const e = events
          .filter(after(a))
          .filter((x) => x.occurredAt <= cutoff)
          .at(-1);
        return e ? { ...e.position, eventId: e.id } : null;
      },
    },
    deliveries: {
      get: async () => ({ ...state }),
      acknowledged: async (_i, from, to, n, at) => {
        if (!sameCursor(from)) return false;
        move(to);
        Object.assign(state, { attempts: 0, failingSince: null, nextAttemptAt: null });
        Object.assign(state, { lastDeliveredAt: at, deliveredTotal: state.deliveredTotal + n });
        return true;
      },
      failed: async (_i, f) => void Object.assign(state, f),
      gaveUp: async (_i, from, to, g) => {
        if (!sameCursor(from)) return false;
        move(to);
        Object.assign(state, { givenUpAt: g.at, givenUpAfter: g.afterId });
        Object.assign(state, { givenUpCount: g.count, givenUpTotal: state.givenUpTotal + g.count });
        return true;
      },
    },
    now: () => NOW,
    random: () => 0.5,
  };
  return { events, state, deps };
}

class Delayed extends Error {
  constructor(readonly until: number) {
    super('delayed');
  }
}
const ctx: JobContext = {
  jobId: 'j1',
  attemptsMade: 0,
  maxAttempts: 5,
  logger: silentLogger(),
  progress: async () => undefined,
  delay: async (until) => {
    throw new Delayed(until);
  },
};

const ids = (body: string) => (JSON.parse(body) as { events: { id: string }[] }).events.map((e) => e.id);

describe('worker/events.deliver', () => {
  it('posts the events after the cursor oldest first, in bounded batches, and moves the cursor on each 2xx', async () => {
    const w = world(BATCH_EVENTS + 20);
    const bodies: string[] = [];
    const job = eventsDeliverJob({ ...w.deps, post: async (b) => (bodies.push(b), { ok: true, status: 204 }) });
    expect(await job.handle({ integrationId: 'i1' }, ctx)).to.deep.equal({ delivered: BATCH_EVENTS + 20 });
    expect(bodies.map((b) => ids(b).length)).to.deep.equal([BATCH_EVENTS, 20]);
    expect(bodies.flatMap(ids)).to.deep.equal(w.events.map((e) => e.id));
    expect(JSON.parse(bodies[0]!).events[3]).to.deep.include({ type: 'user.created', data: { n: 3 } });
    expect(w.state).to.include({ cursorEventId: w.events.at(-1)!.id, deliveredTotal: BATCH_EVENTS + 20 });
  });

  it('on a failure, keeps the cursor, records the streak and delays the job by the backoff', async () => {
    const w = world(3);
    const fail: PostResult = { ok: false, status: 500, error: 'the receiver answered HTTP 500' };
    const job = eventsDeliverJob({ ...w.deps, post: async () => fail });
    const delayed = (await job.handle({ integrationId: 'i1' }, ctx).catch((e: unknown) => e)) as Delayed;
    expect(delayed).to.be.instanceOf(Delayed);
    expect(delayed.until).to.equal(NOW.getTime() + 750);
    expect(w.state).to.include({ cursorEventId: '', attempts: 1, lastError: 'the receiver answered HTTP 500' });
    expect(w.state.failingSince).to.deep.equal(NOW);
    // Run again before it is due: nothing is posted, the job waits for the attempt.
    let posted = 0;
    const early = eventsDeliverJob({ ...w.deps, post: async () => (posted++, fail) });
    const again = (await early.handle({ integrationId: 'i1' }, ctx).catch((e: unknown) => e)) as Delayed;
    expect(again.until).to.equal(w.state.nextAttemptAt!.getTime());
    expect(posted).to.equal(0);
  });

  it('after 24 hours of failures, gives up on the events that waited that long and keeps the younger ones', async () => {
    const w = world(10, { ageMs: 30 * HOUR });
    w.events.slice(6).forEach((e) => (e.occurredAt = new Date(NOW.getTime() - HOUR)));
    Object.assign(w.state, { attempts: 40, failingSince: new Date(NOW.getTime() - 25 * HOUR), nextAttemptAt: null });
    const job = eventsDeliverJob({
      ...w.deps,
      post: async () => ({ ok: false, status: null, error: 'no answer within 10 s' }),
    });
    await job.handle({ integrationId: 'i1' }, ctx).catch((e: unknown) => e);
    expect(w.state).to.include({
      givenUpCount: 6,
      givenUpTotal: 6,
      givenUpAfter: null,
      cursorEventId: w.events[5]!.id,
    });
    expect(w.state.attempts).to.equal(41);
    // The receiver is back: the younger ones are delivered, the given-up ones are not sent again.
    w.state.nextAttemptAt = null;
    const bodies: string[] = [];
    const ok = eventsDeliverJob({ ...w.deps, post: async (b) => (bodies.push(b), { ok: true, status: 200 }) });
    await ok.handle({ integrationId: 'i1' }, ctx);
    expect(bodies.flatMap(ids)).to.deep.equal(w.events.slice(6).map((e) => e.id));
    expect(w.state).to.include({ attempts: 0, failingSince: null, givenUpTotal: 6 });
  });

  it('does not give up within the first 24 hours of a streak, however old the events', async () => {
    const w = world(4, { ageMs: 48 * HOUR });
    Object.assign(w.state, { attempts: 3, failingSince: new Date(NOW.getTime() - 2 * HOUR) });
    const job = eventsDeliverJob({ ...w.deps, post: async () => ({ ok: false, status: 503, error: 'HTTP 503' }) });
    await job.handle({ integrationId: 'i1' }, ctx).catch((e: unknown) => e);
    expect(w.state).to.include({ givenUpTotal: 0, cursorEventId: '' });
  });

  it('stops when another delivery moved the cursor meanwhile (an overlapping run)', async () => {
    const w = world(3);
    const job = eventsDeliverJob({
      ...w.deps,
      post: async () => {
        Object.assign(w.state, { cursorSeq: 1, cursorId: 'b-1', cursorIndex: 2 });
        return { ok: true, status: 200 };
      },
    });
    expect(await job.handle({ integrationId: 'i1' }, ctx)).to.deep.include({ delivered: 0 });
    expect(w.state.deliveredTotal).to.equal(0);
  });

  it('does nothing without EVENTS_WEBHOOK_URL', async () => {
    expect(await eventsDeliverJob({ ...world(2).deps, post: null }).handle({ integrationId: 'i1' }, ctx)).to.deep.equal(
      {
        skipped: 'EVENTS_WEBHOOK_URL is not set',
      },
    );
  });
});
