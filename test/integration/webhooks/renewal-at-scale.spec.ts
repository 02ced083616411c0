/**
 * Renewal of 2,000 room-calendar-like subscriptions (`/users/{room}/events`, Outlook lifetimes)
 * against the simulator, through the real Graph client: renew-due queues one small job per slice
 * of 20, each job is one Graph `$batch`. Prints the jobs, the Graph requests and the time.
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { DEFAULT_SAFETY_NET_POLL_SECONDS } from '@ones-m365/shared/config';
import { sha256Hex } from '@ones-m365/shared/crypto';
import { createRepositories, type GraphSubscriptionEntity } from '@ones-m365/shared/db';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import { silentLogger } from '@ones-m365/shared/logging';
import { QUEUES } from '@ones-m365/shared/queue';
import { lifetimeMinutesFor } from '@ones-m365/shared/subscriptions';
import type { JobContext } from '../../../services/worker/src/jobs/job-handler.js';
import type { SubscriptionJobDeps } from '../../../services/worker/src/jobs/subscription-job-deps.js';
import { subscriptionsRenewDueJob } from '../../../services/worker/src/jobs/subscriptions-renew-due.job.js';
import { subscriptionsRenewJob } from '../../../services/worker/src/jobs/subscriptions-renew.job.js';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

const ROOMS = 2_000;
const ctx: JobContext = {
  jobId: 'renewal-at-scale',
  attemptsMade: 0,
  maxAttempts: 1,
  logger: silentLogger(),
  progress: async () => undefined,
  delay: async () => {
    throw new Error('unexpected delay');
  },
};

/** Answers Graph's validation handshake (the simulator validates every new subscription). */
async function handshakeEndpoint(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    res.writeHead(token === null ? 202 : 200, { 'content-type': 'text/plain' }).end(token ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

describe('webhooks: renewal of 2,000 room subscriptions (simulator, MySQL, Redis)', function () {
  let h: SyncHarness;
  let endpoint: { server: Server; url: string };
  let rows: GraphSubscriptionEntity[];

  before(async function () {
    this.timeout(300_000);
    h = await startSyncHarness({
      seed: { users: 5, rooms: ROOMS },
      settings: { subscriptionQuotas: { usersPerAppPerTenant: 100, perTenant: ROOMS + 100, perMailbox: 10 } },
      integration: { status: 'enabled', syncMode: 'webhooks' },
    });
    endpoint = await handshakeEndpoint();
    const conn = toGraphConnection(h.integration, h.box);
    const repos = createRepositories(h.db.ds);
    const rooms = h.sim.listRooms().slice(0, ROOMS);
    expect(rooms).to.have.length(ROOMS);
    await inParallel(rooms, 16, async (room) => {
      const resource = `/users/${room.id}/events`;
      const clientState = randomBytes(16).toString('base64url');
      const sub = await h.graph.createSubscription(conn, {
        resource,
        changeType: 'created,updated,deleted',
        clientState,
        notificationUrl: `${endpoint.url}/n`,
        lifecycleNotificationUrl: `${endpoint.url}/l`,
        expirationDateTime: new Date(Date.now() + lifetimeMinutesFor(resource) * 60_000),
      });
      await repos.subscriptions.add({
        integrationId: h.integration.id,
        graphSubscriptionId: sub.id,
        resource,
        changeType: 'created,updated,deleted',
        stream: `calendar:${room.id}`,
        clientStateHash: sha256Hex(clientState),
        expiresAt: new Date(sub.expirationDateTime),
      });
    });
    rows = await repos.subscriptions.listForIntegration(h.integration.id);
  });
  after(async () => {
    endpoint?.server.close();
    await h?.close();
  });

  it("renew-due queues one job per slice of 20; the jobs renew all 2,000 in 100 Graph $batch requests and store Graph's expiry", async function () {
    this.timeout(300_000);
    expect(rows).to.have.length(ROOMS);
    const soonest = Math.min(...rows.map((r) => r.expiresAt.getTime()));
    const late = new Date(soonest - 3600_000);
    const deps: SubscriptionJobDeps = {
      ...createRepositories(h.db.ds),
      graph: h.graph,
      secretBox: h.box,
      producer: h.producer,
      coordination: h.coordination,
      publicBaseUrl: endpoint.url,
      safetyNetSeconds: DEFAULT_SAFETY_NET_POLL_SECONDS,
      now: () => late,
    };
    expect(await subscriptionsRenewDueJob(deps).handle({}, ctx)).to.include({ due: ROOMS, renewJobs: ROOMS / 20 });
    const jobs = (await h.producer.queue(QUEUES.subscriptions).getJobs(['waiting', 'prioritized'])).filter(
      (j) => j.name === 'subscriptions.renew',
    );
    expect(jobs).to.have.length(ROOMS / 20);
    const sliced = jobs.flatMap((j) => j.data.subscriptionIds as string[]);
    expect(new Set(sliced)).to.deep.equal(new Set(rows.map((r) => r.id)));
    expect(
      jobs.every((j) => j.data.integrationId === h.integration.id && j.data.subscriptionIds.length <= 20),
    ).to.equal(true);

    const batches = h.sim.requestCount({ method: 'POST', route: '$batch' });
    const patches = h.sim.requestCount({ method: 'PATCH' });
    const graphBefore = h.graph.requestCount;
    const t0 = performance.now();
    // As the worker runs them: a few at a time (WORKER_CONCURRENCY defaults to 4).
    await inParallel(jobs, 4, async (job) => {
      expect(await subscriptionsRenewJob(deps).handle(job.data, ctx)).to.deep.equal({
        renewed: job.data.subscriptionIds.length,
        gone: 0,
      });
    });
    const ms = performance.now() - t0;
    const sent = h.graph.requestCount - graphBefore;
    expect(h.sim.requestCount({ method: 'POST', route: '$batch' }) - batches).to.equal(ROOMS / 20);
    expect(h.sim.requestCount({ method: 'PATCH' }) - patches).to.equal(ROOMS);
    console.log(
      `      renewal of ${ROOMS} subscriptions: ${jobs.length} jobs, ${sent} HTTP requests to Graph ($batch, ${ROOMS} PATCHes inside), ${Math.round(ms)} ms`,
    );

    const atGraph = new Map(
      h.sim.listSubscriptions(h.sim.tenantId).map((s) => [String(s.id), Date.parse(String(s.expirationDateTime))]),
    );
    const renewed = await createRepositories(h.db.ds).subscriptions.listForIntegration(h.integration.id);
    for (const r of renewed) {
      expect(r.status).to.equal('active');
      expect(r.expiresAt.getTime()).to.equal(atGraph.get(r.graphSubscriptionId));
    }
    expect(
      renewed.filter((r) => r.expiresAt.getTime() > rows.find((o) => o.id === r.id)!.expiresAt.getTime()),
    ).to.have.length(ROOMS);
  });
});
