import { expect } from 'chai';
import { QueueEvents } from 'bullmq';
import { AppError } from '@ones-m365/shared/errors';
import { silentLogger } from '@ones-m365/shared/logging';
import { createProducer, createRedisConnection, DEFAULT_JOB_OPTIONS, type Producer } from '@ones-m365/shared/queue';
import { buildRegistry, type JobHandler } from '../../../services/worker/src/jobs/index.js';
import { startWorkers, type RunningWorkers } from '../../../services/worker/src/run-worker.js';
import { freshPrefix, removeQueueData } from '../../support/env.js';
import { TEST_REDIS } from '../../support/services.js';

type Prune = JobHandler<'maintenance.prune-sync-runs'>;

describe('producer and workers on a real Redis', () => {
  let prefix: string;
  let producer: Producer;
  let workers: RunningWorkers | undefined;
  let events: QueueEvents;
  const producerConn = () => createRedisConnection(TEST_REDIS, 'producer');

  beforeEach(async () => {
    prefix = freshPrefix();
    producer = createProducer(producerConn(), prefix);
    events = new QueueEvents('maintenance', { connection: createRedisConnection(TEST_REDIS, 'worker'), prefix });
    await events.waitUntilReady();
  });

  afterEach(async () => {
    await workers?.close();
    workers = undefined;
    await events.close();
    await producer.close();
    await removeQueueData(prefix);
  });

  function run(handle: Prune['handle']): void {
    const registry = buildRegistry([{ name: 'maintenance.prune-sync-runs', handle }], ['maintenance.prune-sync-runs']);
    workers = startWorkers({
      connection: createRedisConnection(TEST_REDIS, 'worker'),
      prefix,
      registry,
      concurrency: 2,
      logger: silentLogger(),
    });
  }

  it('delivers a typed payload to its handler and keeps the result', async () => {
    const seen: unknown[] = [];
    run(async (payload) => {
      seen.push(payload);
      return { deleted: 3 };
    });
    const { id } = await producer.enqueue('maintenance.prune-sync-runs', { olderThanDays: 9 });
    const job = (await producer.queue('maintenance').getJob(id))!;
    expect(await job.waitUntilFinished(events, 10_000)).to.deep.equal({ deleted: 3 });
    expect(seen).to.deep.equal([{ olderThanDays: 9 }]);
  });

  it('retries a retryable failure with the default backoff, then succeeds', async () => {
    let calls = 0;
    run(async () => {
      calls++;
      if (calls < 2) throw new Error('transient');
      return { deleted: 0 };
    });
    const { id } = await producer.enqueue(
      'maintenance.prune-sync-runs',
      { olderThanDays: 1 },
      { backoff: { type: 'fixed', delay: 50 } },
    );
    const job = (await producer.queue('maintenance').getJob(id))!;
    await job.waitUntilFinished(events, 10_000);
    expect(calls).to.equal(2);
    expect(DEFAULT_JOB_OPTIONS.attempts).to.be.greaterThan(1);
  });

  it('fails a non-retryable AppError at once, without using the remaining attempts', async () => {
    let calls = 0;
    run(async () => {
      calls++;
      throw new AppError('bad_payload', 'cannot do this', 400);
    });
    const { id } = await producer.enqueue(
      'maintenance.prune-sync-runs',
      { olderThanDays: 1 },
      { backoff: { type: 'fixed', delay: 50 } },
    );
    const job = (await producer.queue('maintenance').getJob(id))!;
    const err = await job.waitUntilFinished(events, 10_000).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.include('bad_payload');
    expect(calls).to.equal(1);
    expect(await (await producer.queue('maintenance').getJob(id))!.getState()).to.equal('failed');
  });

  it('lets an active job finish on close (graceful shutdown)', async () => {
    let finished = false;
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    run(async () => {
      started();
      await new Promise((r) => setTimeout(r, 300));
      finished = true;
      return { deleted: 0 };
    });
    const { id } = await producer.enqueue('maintenance.prune-sync-runs', { olderThanDays: 1 });
    await startedP;
    await workers!.close();
    workers = undefined;
    expect(finished).to.equal(true);
    expect(await (await producer.queue('maintenance').getJob(id))!.getState()).to.equal('completed');
  });

  it('keeps queues of two prefixes apart', async () => {
    const other = createProducer(producerConn(), freshPrefix());
    try {
      await other.enqueue('maintenance.prune-sync-runs', { olderThanDays: 1 });
      expect(await producer.queue('maintenance').count()).to.equal(0);
      expect(await other.queue('maintenance').count()).to.equal(1);
    } finally {
      await other.queue('maintenance').obliterate({ force: true });
      await other.close();
    }
  });
});
