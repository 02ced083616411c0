/**
 * Change notifications end to end: two api processes (Graph posts to the first, the admin uses the
 * second) and two worker processes, configured only by their environment, against the simulator,
 * MySQL and Redis. One schedule per integration and one renew-due schedule whatever the number of
 * workers; subscriptions made, recreated and deleted by whichever worker takes the job.
 */
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '@ones-m365/graph-simulator';
import { createProducer, createRedisConnection, QUEUES, type Producer } from '@ones-m365/shared/queue';
import { createMysqlDatabase } from '../support/db.js';
import { keyPrefixOf, removeQueueData, testEnv } from '../support/env.js';
import { freePort, spawnService, waitFor, waitForHttp, type ServiceProcess } from '../support/processes.js';
import { TEST_REDIS } from '../support/services.js';

describe('change notifications end to end (2 api + 2 worker processes)', function () {
  this.timeout(120_000);
  let sim: GraphSimulator;
  let db: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let env: Record<string, string | undefined>;
  const bases: string[] = [];
  const procs: ServiceProcess[] = [];
  let producer: Producer;
  let id: string;

  const call = async (base: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${env.API_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const subscriptions = async () =>
    (await call(bases[1]!, 'GET', `/integrations/${id}/subscriptions`)).body.items as {
      id: string;
      resource: string;
    }[];

  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 8, users: 60, rooms: 4 }, settings: { notificationBatchMs: 20 } });
    db = await createMysqlDatabase();
    const ports = [await freePort(), await freePort()];
    bases.push(...ports.map((p) => `http://127.0.0.1:${p}`));
    env = testEnv({
      DATABASE_URL: db.url,
      PUBLIC_BASE_URL: bases[0],
      NODE_EXTRA_CA_CERTS: sim.caCertPath,
      ALLOW_CUSTOM_ENDPOINTS: 'true',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    });
    producer = createProducer(createRedisConnection(TEST_REDIS, 'producer'), keyPrefixOf(env));
    // One after the other: each api migrates the database at start.
    for (const [i, port] of ports.entries()) {
      procs.push(spawnService('api', { ...env, PORT: String(port) }));
      await waitForHttp(`${bases[i]}/readyz`, procs[i]!);
    }
    procs.push(spawnService('worker', env), spawnService('worker', env));
    const created = await call(bases[1]!, 'POST', '/integrations', {
      name: 'Simulated',
      cloud: 'global',
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      endpoints: { login: sim.loginUrl, graph: sim.graphUrl },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    id = created.body.id;
  });
  after(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    await producer?.close();
    await sim?.close();
    await db?.drop();
    await removeQueueData(keyPrefixOf(env));
  });

  it('enable through one api: full sync, /users and one events subscription per room, whose notifications reach the other api', async () => {
    expect((await call(bases[1]!, 'POST', `/integrations/${id}/enable`)).status).to.equal(202);
    await waitFor(
      'the first full sync',
      async () => (await call(bases[1]!, 'GET', `/integrations/${id}/users?limit=200`)).body.items.length > 0,
    );
    const rooms = (await call(bases[1]!, 'GET', `/integrations/${id}/rooms?limit=200`)).body.items as {
      id: string;
      email: string;
    }[];
    expect(rooms.length).to.be.above(0);
    const wanted = ['/users', ...rooms.map((r) => `/users/${r.email}/events`)].sort();
    await waitFor('the subscriptions', async () =>
      JSON.stringify((await subscriptions()).map((x) => x.resource).sort()) === JSON.stringify(wanted) ? true : null,
    );
    expect(sim.listSubscriptions().map((x) => x.notificationUrl)).to.deep.equal(
      wanted.map(() => `${bases[0]}/webhooks/graph/notifications`),
    );
    const user = sim.listUsers({ limit: 1 })[0]!;
    sim.updateUser(user.id, { displayName: 'Changed In Entra' });
    await waitFor('the change through the api', async () =>
      (await call(bases[1]!, 'GET', `/integrations/${id}/users?limit=200`)).body.items.some(
        (u: { graphId: string; displayName: string }) => u.graphId === user.id && u.displayName === 'Changed In Entra',
      ),
    );
    const start = Math.floor(Date.now() / 86_400_000 + 2) * 86_400_000 + 10 * 3_600_000;
    sim.bookEvent(rooms[0]!.email, {
      subject: 'Booked In Outlook',
      start: new Date(start).toISOString(),
      end: new Date(start + 1_800_000).toISOString(),
    });
    await waitFor('the booking through the api', async () =>
      (await call(bases[1]!, 'GET', `/integrations/${id}/bookings?roomId=${rooms[0]!.id}&limit=500`)).body.items.some(
        (b: { subject: string | null }) => b.subject === 'Booked In Outlook',
      ),
    );
    expect(sim.notifications().some((d) => d.status === 202 && d.url.startsWith(bases[0]!))).to.equal(true);
  });

  it('one renew-due schedule and one poll schedule for the integration, whatever the number of workers', async () => {
    const schedulers = await producer.queue(QUEUES.subscriptions).getJobSchedulers();
    const keys = schedulers.map((s) => s.key).sort();
    expect(keys.filter((k) => k === 'subscriptions-renew-due')).to.have.length(1);
    expect(keys.filter((k) => k === `poll:${id}`)).to.have.length(1);
  });

  it('subscriptionRemoved: a worker recreates it', async () => {
    const users = async () => (await subscriptions()).filter((x) => x.resource === '/users');
    const count = (await subscriptions()).length;
    const [before] = await users();
    sim.fireLifecycle(before!.id, 'subscriptionRemoved');
    await waitFor('a new subscription', async () => {
      const now = await users();
      return now.length === 1 && now[0]!.id !== before!.id;
    });
    expect(sim.listSubscriptions().map((s) => s.id)).to.include((await users())[0]!.id);
    expect(sim.listSubscriptions().map((s) => s.id)).to.not.include(before!.id);
    expect(await subscriptions()).to.have.length(count);
  });

  it('disable: every subscription is deleted at Graph', async () => {
    expect((await call(bases[1]!, 'POST', `/integrations/${id}/disable`)).status).to.equal(202);
    await waitFor('no subscription at Graph', async () => sim.listSubscriptions().length === 0);
    expect(await subscriptions()).to.deep.equal([]);
  });
});
