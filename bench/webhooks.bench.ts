/**
 * Change-notification benchmarks (design.md quality bars):
 * 1. ingress throughput and latency vs a bare express handler parsing the same body (same run,
 *    same process, same load generator), batches of 25 notifications over 10 integrations;
 * 2. end-to-end latency: a change in the simulator → readable through the API (api + worker in
 *    process, MySQL, Redis, simulator over HTTPS);
 * 3. Graph delta calls for a burst of 1,000 notifications spread over 10 integrations.
 */
import { randomBytes } from 'node:crypto';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { createCoordination } from '@ones-m365/shared/sync';
import { removeQueueData } from '../test/support/env.js';
import { TEST_REDIS_URL } from '../test/support/services.js';
import { startWebhookHarness, type WebhookHarness } from '../test/support/webhook-harness.js';
import type { BenchRow } from './run-bench.js';
import { latencyAtRate, percentiles, throughput, type LatencyStats, type Target } from './support/http-load.js';
import { batchBody, fakeTenant, startBareApp, startIngressApp } from './support/ingress-apps.js';

const BATCH = 25;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function ingress(): Promise<BenchRow[]> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const redis = createRedisConnection(TEST_REDIS_URL, 'producer');
  const producer = createProducer(redis, prefix);
  const tenant = fakeTenant(10);
  const body = batchBody(tenant, BATCH);
  const [real, bare] = await Promise.all([
    startIngressApp(tenant, { producer, coordination: createCoordination(redis, prefix) }),
    startBareApp(),
  ]);
  const path = '/webhooks/graph/notifications';
  const realT: Target = { port: real.port, path, body };
  const bareT: Target = { port: bare.port, path, body };
  try {
    const load = { requests: 4_000, connections: 16, expect: 202 };
    // Warm both up (JIT), then alternate rounds and keep each one's best: the machine's noise
    // (other processes) only ever slows a round down.
    for (let i = 0; i < 2; i++) {
      await throughput(bareT, { ...load, requests: 1_000 });
      await throughput(realT, { ...load, requests: 1_000 });
    }
    const rounds: { bare: number; real: number }[] = [];
    for (let i = 0; i < 5; i++)
      rounds.push({ bare: await throughput(bareT, load), real: await throughput(realT, load) });
    const bareRps = Math.max(...rounds.map((r) => r.bare));
    const realRps = Math.max(...rounds.map((r) => r.real));
    const rate = { perSecond: 1_000 / BATCH, seconds: 15, expect: 202 };
    const [bareLat, realLat] = (await latencyAtRate([bareT, realT], rate)) as [LatencyStats, LatencyStats];
    const requestsSent = real.sent();
    const posts = 4_000 + 5 * 4_000 + rate.perSecond * rate.seconds;
    return [
      {
        bench: 'webhook ingress',
        metric: `throughput, ${BATCH}/POST, 16 conns (bare)`,
        value: `${bareRps.toFixed(0)} POST/s (${(bareRps * BATCH).toFixed(0)} notif/s)`,
      },
      {
        bench: 'webhook ingress',
        metric: `throughput, ${BATCH}/POST, 16 conns (ours)`,
        value: `${realRps.toFixed(0)} POST/s (${(realRps * BATCH).toFixed(0)} notif/s)`,
      },
      {
        bench: 'webhook ingress',
        metric: 'throughput ratio ours/bare',
        value: (realRps / bareRps).toFixed(2),
        goal: '≥ 0.80',
        ok: realRps / bareRps >= 0.8,
      },
      {
        bench: 'webhook ingress',
        metric: `p50 / p99 at 1,000 notif/s (bare, n=${bareLat.n})`,
        value: `${ms(bareLat.p50)} / ${ms(bareLat.p99)}`,
      },
      {
        bench: 'webhook ingress',
        metric: `p50 / p99 at 1,000 notif/s (ours, n=${realLat.n}, interleaved)`,
        value: `${ms(realLat.p50)} / ${ms(realLat.p99)}`,
      },
      {
        bench: 'webhook ingress',
        metric: 'p99 ratio ours/bare',
        value: (realLat.p99 / bareLat.p99).toFixed(2),
        goal: '≤ 2.0',
        ok: realLat.p99 / bareLat.p99 <= 2,
      },
      {
        bench: 'webhook ingress',
        metric: 'Redis requests for all POSTs (memo)',
        value: `${requestsSent} for ${posts} POSTs`,
      },
    ];
  } finally {
    await Promise.all([real.close(), bare.close()]);
    await producer.close();
    redis.disconnect();
    await removeQueueData(TEST_REDIS_URL, prefix);
  }
}

async function endToEnd(w: WebhookHarness, id: string): Promise<BenchRow[]> {
  const user = w.sim.listUsers({ limit: 1 })[0]!;
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    const name = `bench-${i}-${Date.now()}`;
    const started = performance.now();
    w.sim.updateUser(user.id, { displayName: name });
    await w.until(
      'the change in ONES',
      () => w.h.call(`/api/v1/integrations/${id}/users?limit=200`),
      (r) =>
        r.body.items.some(
          (u: { graphId: string; displayName: string }) => u.graphId === user.id && u.displayName === name,
        ),
      10_000,
    );
    samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 150));
  }
  const p = percentiles(samples);
  return [
    {
      bench: 'end to end',
      metric: `change in simulator → API (n=${p.n}) p50 / p95`,
      value: `${ms(p.p50)} / ${ms(p.p95)}`,
      goal: 'p95 < 2 s',
      ok: p.p95 < 2_000,
    },
  ];
}

async function burst(w: WebhookHarness, first: string): Promise<BenchRow[]> {
  const tenants = [{ id: first, tenantId: w.sim.tenantId }];
  for (let i = 0; i < 9; i++) {
    const t = w.sim.createTenant({ users: 25, rooms: 2 });
    const app = t.apps[0]!;
    const id = await w.create({
      tenantId: t.tenantId,
      clientId: app.appId,
      clientSecret: app.secrets[0]!.value,
      name: `bench ${i}`,
    });
    await w.enable(id);
    tenants.push({ id, tenantId: t.tenantId });
  }
  for (const t of tenants)
    await w.until(
      'a subscription',
      () => w.subscriptions.listForIntegration(t.id),
      (r) => r.length === 1,
      30_000,
    );
  await w.syncIdle();
  await new Promise((r) => setTimeout(r, 1_000));
  await w.syncIdle();
  w.sim.resetCounters();
  w.sim.clearNotifications();
  const since = Date.now();
  for (let round = 0; round < 10; round++) {
    for (const t of tenants) {
      const users = w.sim.listUsers({ limit: 10 }, t.tenantId);
      for (const u of users) w.sim.updateUser(u.id, { displayName: `burst ${round} ${u.id.slice(0, 6)}` }, t.tenantId);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const delivered = () =>
    w.sim
      .notifications()
      .filter((d) => d.status === 202)
      .reduce((n, d) => n + d.value.length, 0);
  await w.until('1,000 notifications delivered', delivered, (n) => n >= 1_000, 30_000);
  await new Promise((r) => setTimeout(r, 1_000));
  await w.syncIdle();
  const deltaCalls = w.sim.requestCount({ route: '/users/delta' });
  let runs = 0;
  for (const t of tenants) runs += await w.webhookDeltaJobs(t.id, since);
  return [
    { bench: 'graph economy', metric: `notifications delivered (10 integrations)`, value: String(delivered()) },
    { bench: 'graph economy', metric: 'users delta runs for the burst', value: String(runs) },
    {
      bench: 'graph economy',
      metric: 'Graph /users/delta calls for the burst',
      value: String(deltaCalls),
      goal: '≤ 20',
      ok: deltaCalls <= 20,
    },
  ];
}

export default async function run(): Promise<BenchRow[]> {
  const rows = await ingress();
  const w = await startWebhookHarness();
  try {
    const id = await w.create();
    await w.enable(id);
    await w.until(
      'the subscription',
      () => w.subscriptions.listForIntegration(id),
      (r) => r.length === 1,
    );
    await w.syncIdle();
    rows.push(...(await endToEnd(w, id)));
    rows.push(...(await burst(w, id)));
  } finally {
    await w.close();
  }
  return rows;
}
