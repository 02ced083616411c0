import { expect } from 'chai';
import { createMysqlDatabase } from '../support/db.js';
import { keyPrefixOf, removeQueueData, testEnv } from '../support/env.js';
import { freePort, spawnService, waitFor, waitForHttp, type ServiceProcess } from '../support/processes.js';
import { TEST_REDIS } from '../support/services.js';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';

describe('api and worker as processes', () => {
  let db: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let env: Record<string, string | undefined>;
  let api: ServiceProcess | undefined;
  let worker: ServiceProcess | undefined;
  let base: string;
  let workerHealth: string;

  before(async () => {
    db = await createMysqlDatabase();
    const port = await freePort();
    const workerHealthPort = await freePort();
    env = testEnv({
      DATABASE_URL: db.url,
      PORT: String(port),
      WORKER_HEALTH_PORT: String(workerHealthPort),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    });
    workerHealth = `http://127.0.0.1:${workerHealthPort}`;
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await api?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await db.drop();
    await removeQueueData(keyPrefixOf(env));
  });

  it('refuses to start on bad configuration with one line naming the variable', async () => {
    const bad = spawnService('api', { ...env, ENCRYPTION_KEY: 'too-short', API_TOKEN: undefined });
    expect(await bad.exited).to.equal(1);
    const lines = bad.output().trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include('API_TOKEN is required').and.include('ENCRYPTION_KEY must be 32 bytes');
    expect(lines[0]).to.not.include('too-short');
  });

  it('refuses to start with EVENTS_WEBHOOK_URL but no EVENTS_WEBHOOK_SECRET, in one line naming the variable', async () => {
    for (const kind of ['worker', 'api'] as const) {
      const bad = spawnService(kind, { ...env, EVENTS_WEBHOOK_URL: 'https://ones.example.com/m365-events' });
      expect(await bad.exited, kind).to.equal(1);
      const lines = bad.output().trim().split('\n');
      expect(lines, kind).to.have.length(1);
      expect(lines[0]).to.include('EVENTS_WEBHOOK_SECRET is required when EVENTS_WEBHOOK_URL is set');
    }
    const plain = spawnService('worker', {
      ...env,
      EVENTS_WEBHOOK_URL: 'http://ones.example.com/m365-events',
      EVENTS_WEBHOOK_SECRET: 'a-signing-secret-of-32-characters!',
    });
    expect(await plain.exited).to.equal(1);
    expect(plain.output().trim().split('\n')).to.have.length(1);
    expect(plain.output()).to.include('EVENTS_WEBHOOK_URL must be an https URL').and.not.include('a-signing-secret');
  });

  it('start, migrate the database, and serve; the worker runs the scheduled maintenance job', async function () {
    this.timeout(90_000);
    api = spawnService('api', env);
    worker = spawnService('worker', env);
    await waitForHttp(`${base}/readyz`, api);
    await waitForHttp(`${workerHealth}/readyz`, worker);
    expect((await fetch(`${workerHealth}/healthz`)).status).to.equal(200);
    const auth = { authorization: `Bearer ${env.API_TOKEN}` };
    const created = await fetch(`${base}/api/v1/groups`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Staff' }),
    });
    expect(created.status).to.equal(201);
    const producer = createProducer(createRedisConnection(TEST_REDIS, 'producer'), keyPrefixOf(env));
    try {
      const done = await waitFor(
        'the scheduled prune job to complete',
        async () => (await producer.queue('maintenance').getCompleted()).length > 0,
      );
      expect(done).to.equal(true);
    } finally {
      await producer.close();
    }
    const logLine = worker
      .output()
      .split('\n')
      .find((l) => l.includes('worker started'));
    expect(JSON.parse(logLine!)).to.include({ level: 'info', service: 'worker' });
  });

  it('stop cleanly on SIGTERM', async function () {
    this.timeout(30_000);
    expect(await worker!.stop('SIGTERM')).to.equal(0);
    expect(await api!.stop('SIGTERM')).to.equal(0);
    expect(worker!.output()).to.include('worker stopped');
  });
});
