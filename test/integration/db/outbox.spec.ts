import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { RedisClient } from '@ones-m365/shared/queue';
import { IntegrationRepository, PendingJobRepository } from '@ones-m365/shared/db';
import { silentLogger } from '@ones-m365/shared/logging';
import { Outbox, reconcileFollowUp, syncFollowUp } from '@ones-m365/shared/outbox';
import { createProducer, createRedisConnection, QUEUES, type Producer } from '@ones-m365/shared/queue';
import { createCoordination } from '@ones-m365/shared/sync';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';
import { freshPrefix, removeQueueData } from '../../support/env.js';
import { TEST_REDIS, TEST_REDIS_URL } from '../../support/services.js';
import { TcpProxy } from '../../support/tcp-proxy.js';

/** The job outbox on MariaDB and a real Redis: written with the change, moved once, dropped for a deleted integration. */
describe('job outbox (pending_jobs)', () => {
  let db: TestDatabase;
  let redis: RedisClient;
  let producer: Producer;
  let outbox: Outbox;
  let pending: PendingJobRepository;
  let integrations: IntegrationRepository;
  /** An outbox whose Redis went away (connected through a proxy, then cut). */
  let unreachable: Outbox;
  let proxy: TcpProxy;
  let cutRedis: RedisClient;
  let cutProducer: Producer;
  const prefix = freshPrefix();
  const later = () => new Date(Date.now() + 60_000);

  before(async () => {
    db = await openTestDatabase('mysql');
    redis = createRedisConnection(TEST_REDIS, 'producer');
    producer = createProducer(redis, prefix);
    outbox = new Outbox(db.ds, { producer, coordination: createCoordination(redis, prefix) }, silentLogger());
    pending = new PendingJobRepository(db.ds);
    integrations = new IntegrationRepository(db.ds);
    const url = new URL(TEST_REDIS_URL);
    proxy = await new TcpProxy({ host: url.hostname, port: Number(url.port || 6379) }).start();
    cutRedis = createRedisConnection({ kind: 'server', url: `redis://127.0.0.1:${proxy.port}` }, 'producer');
    cutProducer = createProducer(cutRedis, prefix);
    await cutProducer.queue(QUEUES.sync).getJobCounts();
    proxy.cut();
    unreachable = new Outbox(
      db.ds,
      { producer: cutProducer, coordination: createCoordination(cutRedis, prefix) },
      silentLogger(),
    );
  });
  after(async () => {
    cutRedis.disconnect();
    await proxy.close();
    await producer.close();
    redis.disconnect();
    await db.drop();
    await removeQueueData(prefix);
  });

  const newIntegration = () =>
    integrations.create({
      name: 'x',
      cloud: 'global',
      tenantId: randomUUID(),
      clientId: randomUUID(),
      clientSecretSealed: 's',
      clientSecretHint: 'abc',
      endpoints: null,
    });

  it('enqueues the follow-ups right after the commit and answers their job ids', async () => {
    const { id } = await newIntegration();
    const done = await outbox.write(id, async (tx) => ({
      value: await tx.integrations.update(id, { name: 'y' }),
      followUps: [syncFollowUp('rooms', 'full', 'api'), reconcileFollowUp()],
    }));
    expect(done!.value!.name).to.equal('y');
    const [roomsJob, reconcileJob] = done!.jobs;
    expect((await producer.queue(QUEUES.sync).getJob(roomsJob!))?.data).to.deep.equal({
      integrationId: id,
      trigger: 'api',
    });
    expect((await producer.queue(QUEUES.subscriptions).getJob(reconcileJob!))?.name).to.equal(
      'subscriptions.reconcile',
    );
    expect(await pending.forIntegration(id)).to.deep.equal([]);
  });

  it('writes nothing for an integration that is gone', async () => {
    const { id } = await newIntegration();
    await integrations.softDelete(id);
    expect(await outbox.write(id, async () => ({ value: 1, followUps: [reconcileFollowUp()] }))).to.equal(null);
    expect(await pending.forIntegration(id)).to.deep.equal([]);
  });

  it('keeps the change and its follow-ups when Redis is unreachable; a later drain enqueues them', async () => {
    const { id } = await newIntegration();
    const done = await unreachable.write(id, async (tx) => ({
      value: await tx.integrations.update(id, { status: 'disabled' }),
      followUps: [reconcileFollowUp()],
    }));
    expect(done!.jobs).to.deep.equal([null]);
    expect((await integrations.get(id))!.status).to.equal('disabled');
    expect(await pending.forIntegration(id)).to.have.length(1);
    expect(await outbox.drain({ limit: 100, createdBefore: later() })).to.be.greaterThan(0);
    expect(await pending.forIntegration(id)).to.deep.equal([]);
    expect(
      (await producer.queue(QUEUES.subscriptions).getJobs(['waiting'])).some((j) => j.data.integrationId === id),
    ).to.equal(true);
  });

  it('does not wait for a Redis it never reached: the write is saved, its follow-up deferred', async () => {
    const { id } = await newIntegration();
    const never = createRedisConnection({ kind: 'server', url: 'redis://127.0.0.1:1' }, 'producer');
    const neverProducer = createProducer(never, prefix);
    try {
      const done = await new Outbox(
        db.ds,
        { producer: neverProducer, coordination: createCoordination(never, prefix) },
        silentLogger(),
      ).write(id, async () => ({ value: null, followUps: [reconcileFollowUp()] }));
      expect(done!.jobs).to.deep.equal([null]);
      expect(await pending.forIntegration(id)).to.have.length(1);
    } finally {
      never.disconnect();
    }
    await outbox.drain({ limit: 100, createdBefore: later() });
  });

  it('a drain that cannot reach Redis fails and leaves the rows', async () => {
    const { id } = await newIntegration();
    await unreachable.write(id, async () => ({ value: null, followUps: [syncFollowUp('users', 'delta', 'api')] }));
    try {
      await unreachable.drain({ limit: 100, createdBefore: later() });
      expect.fail('the drain should have failed');
    } catch (err) {
      expect((err as Error).message).to.not.match(/should have failed/);
    }
    expect(await pending.forIntegration(id)).to.have.length(1);
    await outbox.drain({ limit: 100, createdBefore: later() });
  });

  it('drops the pending syncs of an integration deleted meanwhile, and still enqueues its reconcile', async () => {
    const { id } = await newIntegration();
    await unreachable.write(id, async () => ({
      value: null,
      followUps: [syncFollowUp('users', 'full', 'enable'), reconcileFollowUp()],
    }));
    await integrations.softDelete(id);
    const syncJobsBefore = (await producer.queue(QUEUES.sync).getJobs(['waiting'])).filter(
      (j) => j.data.integrationId === id,
    ).length;
    await outbox.drain({ limit: 100, createdBefore: later() });
    expect(
      (await producer.queue(QUEUES.sync).getJobs(['waiting'])).filter((j) => j.data.integrationId === id),
    ).to.have.length(syncJobsBefore);
    expect(
      (await producer.queue(QUEUES.subscriptions).getJobs(['waiting'])).some((j) => j.data.integrationId === id),
    ).to.equal(true);
    expect(await pending.forIntegration(id)).to.deep.equal([]);
  });

  it('drops a stored sync follow-up of a stream this version does not sync, and drains the rows after it', async () => {
    const { id } = await newIntegration();
    await pending.add(id, 'sync', {
      stream: 'calendar:3f1c2a9e-0000-4000-8000-000000000001',
      mode: 'full',
      trigger: 'enable',
    });
    await unreachable.write(id, async () => ({ value: null, followUps: [reconcileFollowUp()] }));
    expect(await outbox.drain({ limit: 100, createdBefore: later() })).to.be.at.least(2);
    expect(await pending.forIntegration(id)).to.deep.equal([]);
    expect(
      (await producer.queue(QUEUES.sync).getJobs(['waiting'])).filter((j) => j.data.integrationId === id),
    ).to.have.length(0);
    expect(
      (await producer.queue(QUEUES.subscriptions).getJobs(['waiting'])).some((j) => j.data.integrationId === id),
    ).to.equal(true);
  });

  it('moves each row once when several drainers run at the same time', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, async () => (await newIntegration()).id));
    for (const id of ids) await unreachable.write(id, async () => ({ value: null, followUps: [reconcileFollowUp()] }));
    const taken = await Promise.all(
      Array.from({ length: 4 }, () => outbox.drain({ limit: 100, createdBefore: later() })),
    );
    expect(taken.reduce((a, b) => a + b, 0)).to.equal(ids.length);
    expect(await pending.oldest(100, later())).to.deep.equal([]);
  });
});
