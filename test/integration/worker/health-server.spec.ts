import { once } from 'node:events';
import { expect } from 'chai';
import type { RedisTarget } from '@ones-m365/shared/config';
import { createRedisConnection } from '@ones-m365/shared/queue';
import { startWorkerHealthServer, type WorkerHealthServer } from '../../../services/worker/src/health/health-server.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';
import { freePort } from '../../support/processes.js';
import { TEST_REDIS } from '../../support/services.js';

describe('worker health endpoint (real MySQL and Redis)', () => {
  let db: TestDatabase;
  const servers: WorkerHealthServer[] = [];
  const connections: ReturnType<typeof createRedisConnection>[] = [];

  async function serve(target: RedisTarget): Promise<string> {
    const redis = createRedisConnection(target, 'producer');
    connections.push(redis);
    const server = await startWorkerHealthServer({ db: db.ds, redis }, 0, '127.0.0.1');
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  }

  before(async () => {
    db = await openTestDatabase('mysql');
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    connections.forEach((c) => c.disconnect());
    await db.drop();
  });

  it('answers /healthz and /readyz 200 when the database and Redis answer', async () => {
    const base = await serve(TEST_REDIS);
    // The fail-fast connection refuses commands until it is connected: wait for that, not for Redis to be slow.
    const redis = connections.at(-1)!;
    if (redis.status !== 'ready') await once(redis, 'ready');
    const live = await fetch(`${base}/healthz`);
    expect(live.status).to.equal(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({
      status: 'ready',
      checks: { database: { ok: true }, redis: { ok: true } },
    });
  });

  it('answers /readyz 503 naming Redis when Redis does not answer, while /healthz stays 200', async () => {
    const base = await serve({ kind: 'server', url: `redis://127.0.0.1:${await freePort()}` });
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).to.equal(503);
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).to.equal('not_ready');
    expect(body.checks.database!.ok).to.equal(true);
    expect(body.checks.redis!.ok).to.equal(false);
  });

  it('answers /readyz 503 stopping once the worker is stopping', async () => {
    const base = await serve(TEST_REDIS);
    servers.at(-1)!.markStopping();
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.deep.equal({ status: 'stopping' });
  });

  it('serves nothing else: 404 with the error shape', async () => {
    const base = await serve(TEST_REDIS);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('not_found');
  });
});
