/** The operational records on a real Redis: counters, throttling per hour, token results. */
import { expect } from 'chai';
import type { RedisClient } from '@ones-m365/shared/queue';
import { OperationsReader, OperationsRecorder } from '@ones-m365/shared/operations';
import { createRedisConnection } from '@ones-m365/shared/queue';
import { freshPrefix, removeQueueData } from '../../support/env.js';
import { pollUntil } from '../../support/poll.js';
import { TEST_REDIS } from '../../support/services.js';

const ID = '0a0a0a0a-1111-4222-8333-444444444444';

describe('operations: recorder and reader (real RedisClient)', () => {
  let redis: RedisClient;
  const prefix = freshPrefix();
  let clock = new Date('2026-12-02T10:00:00Z');
  const rejected: [string, boolean][] = [];
  let recorder: OperationsRecorder;
  let reader: OperationsReader;

  before(async () => {
    // The fail-fast connection drops what is sent before it is ready (records are best effort).
    redis = createRedisConnection(TEST_REDIS, 'producer');
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    recorder = new OperationsRecorder(redis, prefix, {
      now: () => clock,
      onSecretRejected: async (id, r) => void rejected.push([id, r]),
    });
    reader = new OperationsReader(redis, prefix);
  });
  after(async () => {
    redis.disconnect();
    await removeQueueData(prefix);
  });

  it('counts Graph answers and 429s per integration, throwaway connections under one label', async () => {
    recorder.response(ID, 200);
    recorder.response(ID, 429);
    recorder.response(`unsaved-${ID}`, 200);
    recorder.response(ID, null);
    const samples = await pollUntil(
      'four requests',
      () => reader.counters(),
      (s) => s.filter((x) => x.name === 'graph_requests').reduce((n, x) => n + x.value, 0) === 4,
    );
    const value = (name: string, integration: string) =>
      samples.find((s) => s.name === name && s.labels.integration === integration)?.value;
    expect(value('graph_requests', ID)).to.equal(3);
    expect(value('graph_requests', 'unsaved')).to.equal(1);
    expect(value('graph_throttled', ID)).to.equal(1);
  });

  it('throttling "in the last hour" forgets what is older than an hour', async () => {
    const at = clock;
    recorder.response(ID, 429);
    await pollUntil(
      'two throttled',
      () => reader.throttledLastHour(ID, at),
      (n) => n === 2,
    );
    expect(await reader.throttledLastHour(ID, new Date(at.getTime() + 59 * 60_000))).to.equal(2);
    expect(await reader.throttledLastHour(ID, new Date(at.getTime() + 61 * 60_000))).to.equal(0);
  });

  it('records the last token result, tells an expired-secret rejection and its end once', async () => {
    recorder.token(ID, 'fp-1', {
      ok: false,
      code: 'expired_secret',
      message: 'expired (AADSTS7000222)',
      retryable: false,
    });
    recorder.token(ID, 'fp-1', {
      ok: false,
      code: 'expired_secret',
      message: 'expired (AADSTS7000222)',
      retryable: false,
    });
    const failed = await pollUntil(
      'the failed token',
      () => reader.lastToken(ID),
      (t) => t !== null,
    );
    expect(failed).to.deep.include({ ok: false, code: 'expired_secret', fingerprint: 'fp-1', retryable: false });
    clock = new Date(clock.getTime() + 1000);
    recorder.token(ID, 'fp-2', { ok: true });
    const ok = await pollUntil(
      'the good token',
      () => reader.lastToken(ID),
      (t) => t?.ok === true,
    );
    expect(ok).to.deep.include({ fingerprint: 'fp-2', code: '' });
    expect(ok!.at.toISOString()).to.equal(clock.toISOString());
    expect(rejected).to.deep.equal([
      [ID, true],
      [ID, false],
    ]);
  });

  it('an unchanged outcome is written again after a minute, and a rejection asserted again with it', async () => {
    const other = '0b0b0b0b-1111-4222-8333-444444444444';
    const expired = { ok: false as const, code: 'expired_secret', message: 'expired', retryable: false };
    rejected.length = 0;
    recorder.token(other, 'fp', expired);
    const first = clock;
    clock = new Date(first.getTime() + 30_000);
    recorder.token(other, 'fp', expired);
    await pollUntil(
      'the first record',
      () => reader.lastToken(other),
      (t) => t !== null,
    );
    expect((await reader.lastToken(other))!.at.toISOString()).to.equal(first.toISOString());
    clock = new Date(first.getTime() + 61_000);
    recorder.token(other, 'fp', expired);
    await pollUntil(
      'the refreshed record',
      () => reader.lastToken(other),
      (t) => t?.at.getTime() === clock.getTime(),
    );
    expect(rejected).to.deep.equal([
      [other, true],
      [other, true],
    ]);
  });

  it('counts job failures per queue and sync runs per stream kind', async () => {
    recorder.jobFailed('sync', true);
    recorder.syncRunFinished(ID, 'calendar:room-1', 'succeeded');
    recorder.syncRunFinished(ID, 'calendar:room-2', 'succeeded');
    const samples = await pollUntil(
      'the counters',
      () => reader.counters(),
      (s) => s.some((x) => x.name === 'sync_runs' && x.value === 2),
    );
    expect(samples.find((s) => s.name === 'sync_runs')!.labels).to.deep.equal({
      integration: ID,
      stream: 'calendar',
      status: 'succeeded',
    });
    expect(samples.find((s) => s.name === 'job_failures')).to.deep.include({
      labels: { queue: 'sync', final: 'true' },
      value: 1,
    });
  });
});
