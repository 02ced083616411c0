/**
 * No secret where none may be. The whole life of an integration is driven through an api and a
 * worker process (debug logs, JSON) against the simulator, MariaDB and RedisClient, with known secret
 * values: a wrong secret tried first, the right one saved, tested, rotated; a full sync, a
 * subscription with its clientState, a notification, a lifecycle event, disable. Then every log
 * line, every Redis key and value, every database row, every API answer and the dashboard's JSON
 * (Bull Board's API, every queue and status) is scanned for each secret, raw and encoded, and
 * for any JWT.
 */
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '@ones-m365/graph-simulator';
import { openDatabase } from '@ones-m365/shared/db';
import { ALL_QUEUES, createRedisConnection } from '@ones-m365/shared/queue';
import type { RedisClient } from '@ones-m365/shared/queue';
import type { DataSource } from 'typeorm';
import { createMysqlDatabase } from '../support/db.js';
import { keyPrefixOf, removeQueueData, testEnv } from '../support/env.js';
import { freePort, spawnService, waitFor, waitForHttp, type ServiceProcess } from '../support/processes.js';
import { databaseHaystacks, findLeaks, redisHaystacks, type Haystack } from '../support/secret-scan.js';
import { TEST_REDIS } from '../support/services.js';

const JOB_STATES = [
  'latest',
  'active',
  'waiting',
  'waiting-children',
  'prioritized',
  'completed',
  'failed',
  'delayed',
  'paused',
];

describe('secret scan after a full life of an integration (api + worker processes)', function () {
  this.timeout(120_000);
  let sim: GraphSimulator;
  let db: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let ds: DataSource;
  let redis: RedisClient;
  let env: Record<string, string | undefined>;
  let base: string;
  const procs: ServiceProcess[] = [];
  const answers: Haystack[] = [];
  const clientStates = new Set<string>();
  const secrets: Record<string, string> = { wrongClientSecret: 'Wr0ng~Secret.value-4d1f9c' };

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${env.API_TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    answers.push({ where: `answer to ${method} ${path.split('?')[0]}`, text });
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const noteClientStates = () => {
    for (const s of sim.listSubscriptions()) if (typeof s.clientState === 'string') clientStates.add(s.clientState);
    for (const d of sim.notifications())
      for (const n of d.value as unknown as { clientState?: string }[])
        if (n.clientState) clientStates.add(n.clientState);
  };

  before(async () => {
    sim = await startGraphSimulator({
      seed: { seed: 21, users: 40, rooms: 3, groups: 1 },
      settings: { notificationBatchMs: 20 },
    });
    db = await createMysqlDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = testEnv({
      DATABASE_URL: db.url,
      PORT: String(port),
      PUBLIC_BASE_URL: base,
      NODE_EXTRA_CA_CERTS: sim.caCertPath,
      ALLOW_CUSTOM_ENDPOINTS: 'true',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    });
    Object.assign(secrets, {
      apiToken: env.API_TOKEN!,
      dashboardPassword: env.DASHBOARD_PASSWORD!,
      encryptionKey: env.ENCRYPTION_KEY!,
      clientSecret: sim.clientSecret,
    });
    // Both at once: each applies pending migrations at start, under the database's named lock.
    procs.push(spawnService('api', env), spawnService('worker', env));
    await waitForHttp(`${base}/readyz`, procs[0]!);
    ds = await openDatabase(db.url, { migrate: false });
    redis = createRedisConnection(TEST_REDIS, 'producer');
  });
  after(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    redis?.disconnect();
    if (ds?.isInitialized) await ds.destroy();
    await sim?.close();
    await db?.drop();
    await removeQueueData(keyPrefixOf(env));
  });

  it('lives through test, save, sync, notifications, rotation and disable', async () => {
    const credentials = {
      cloud: 'global',
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      endpoints: { login: sim.loginUrl, graph: sim.graphUrl },
    };
    const wrong = await call('POST', '/api/v1/integrations/test', {
      ...credentials,
      clientSecret: secrets.wrongClientSecret,
    });
    expect(wrong.status, JSON.stringify(wrong.body)).to.be.below(500);
    const created = await call('POST', '/api/v1/integrations', {
      name: 'Scanned',
      ...credentials,
      clientSecret: secrets.clientSecret,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as string;
    expect((await call('POST', `/api/v1/integrations/${id}/test`)).status).to.equal(200);
    const group = await call('POST', '/api/v1/groups', { name: 'Scanned staff' });
    const userSettings = {
      defaultGroupIds: [group.body.id],
      cardNumber: { enabled: true, attribute: 'employeeId' },
      loginButtonName: 'Sign in',
      userScope: { groupIds: [sim.listGroups()[0]!.id] },
    };
    expect((await call('PUT', `/api/v1/integrations/${id}/user-settings`, userSettings)).status).to.equal(200);
    expect((await call('POST', `/api/v1/integrations/${id}/enable`)).status).to.equal(202);
    // /users and one per synced room: every clientState the scan must not find anywhere.
    await waitFor('the subscriptions at Graph', async () => {
      const rooms = (await call('GET', `/api/v1/integrations/${id}/rooms?limit=100`)).body.items.length;
      return rooms > 0 && sim.listSubscriptions().length === 1 + rooms;
    });
    noteClientStates();
    await waitFor(
      'the first users sync',
      async () => (await call('GET', `/api/v1/integrations/${id}/users?limit=200`)).body.items.length > 0,
    );

    const user = sim.listUsers({ limit: 1 })[0]!;
    sim.updateUser(user.id, { displayName: 'Scanned Change' });
    await waitFor('a delivered notification', async () => sim.notifications().some((d) => d.status === 202));
    sim.fireLifecycle(String(sim.listSubscriptions()[0]!.id), 'reauthorizationRequired');
    await waitFor('the lifecycle event delivered', async () =>
      sim.notifications().some((d) => d.kind === 'lifecycle' && d.status === 202),
    );
    noteClientStates();

    secrets.rotatedClientSecret = sim.addSecret(sim.clientId).value;
    expect(
      (await call('PATCH', `/api/v1/integrations/${id}`, { clientSecret: secrets.rotatedClientSecret })).status,
    ).to.equal(200);
    expect((await call('POST', `/api/v1/integrations/${id}/test`)).status).to.equal(200);
    expect((await call('POST', `/api/v1/integrations/${id}/disable`)).status).to.equal(202);
    await waitFor('no subscription at Graph', async () => sim.listSubscriptions().length === 0);
    expect(clientStates.size).to.be.above(0);
    [...clientStates].forEach((s, i) => (secrets[`clientState${i + 1}`] = s));
  });

  it('finds no secret, token or clientState in logs, RedisClient, the database, API answers or the dashboard', async () => {
    const basic = `Basic ${Buffer.from(`${env.DASHBOARD_USER}:${env.DASHBOARD_PASSWORD}`).toString('base64')}`;
    const dashboard: Haystack[] = [];
    let dashboardJobs = 0;
    for (const queue of ALL_QUEUES) {
      for (const status of JOB_STATES) {
        const r = await call(
          'GET',
          `/admin/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=1000`,
          undefined,
          { authorization: basic },
        );
        expect(r.status).to.equal(200);
        const active = (r.body.queues as { name: string; jobs: unknown[] }[]).find((q) => q.name === queue)!;
        if (status !== 'latest') dashboardJobs += active.jobs.length;
        dashboard.push({ where: `dashboard ${queue} ${status}`, text: JSON.stringify(r.body) });
      }
    }
    const logs = procs.map((p, i) => ({ where: `${i === 0 ? 'api' : 'worker'} log`, text: p.output() }));
    const redisItems = await redisHaystacks(redis, keyPrefixOf(env));
    const rows = await databaseHaystacks(ds);
    // The scan looked at real material, not at empty places.
    expect(
      logs.every((l) => l.text.split('\n').length > 5),
      'both processes logged',
    ).to.equal(true);
    expect(redisItems.length).to.be.above(10);
    expect(rows.find((r) => r.where.startsWith('table integrations'))?.text).to.include(`"name":"Scanned`);
    expect(dashboardJobs).to.be.above(3);

    const leaks = findLeaks(
      [...logs, ...redisItems, ...rows, ...answers.filter((a) => !a.where.includes('/admin/queues')), ...dashboard],
      secrets,
    );
    expect(leaks).to.deep.equal([]);
  });
});
