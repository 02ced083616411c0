/**
 * Events to ONES:
 * 1. the notification path: a change in the simulator's tenant → Graph's notification → the api
 *    → the worker's delta run (its page writes the event) → published → POSTed to a receiver
 *    (a local HTTP server verifying the signature), for a quiet and a busy stream;
 * 2. economy: full loads of 100,000 users with their 100,000 `user.created` events against the
 *    same loads without events, side by side in one child process (events-child.ts), and how fast
 *    those events are delivered to a receiver afterwards.
 */
import { readFileSync } from 'node:fs';
import type { BenchRow } from './run-bench.js';
import { percentiles } from './support/http-load.js';
import { control, node, startSimulator } from './support/sim-process.js';

const USERS = Number(process.env.BENCH_EVENTS_USERS ?? 100_000);
const LATENCY_MS = 30;
/**
 * Paired rounds of the load without and with events: one round's ratio moves by ±10% on this
 * shared 2-core machine, so the goal is checked on their median, as the ingress figures are.
 */
const ROUNDS = 5;
const MYSQL_URL =
  process.env.BENCH_DB === 'sqlite' ? null : (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');
const ms = (v: number) => `${v.toFixed(0)} ms`;
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function notificationPath(): Promise<BenchRow[]> {
  const { startEventReceiver } = await import('../test/support/event-receiver.js');
  const { startWebhookHarness } = await import('../test/support/webhook-harness.js');
  const receiver = await startEventReceiver();
  const w = await startWebhookHarness({ events: { webhook: { url: receiver.url, secret: receiver.secret } } });
  try {
    const id = await w.create();
    await w.enable(id);
    await w.until(
      'the subscription',
      () => w.subscriptions.listForIntegration(id),
      (r) => r.length === 1,
    );
    await w.syncIdle();
    await new Promise((r) => setTimeout(r, 1_500));
    const user = w.sim.listUsers({ limit: 1 })[0]!;
    const sample = async (changes: number, gapMs: number) => {
      const samples: number[] = [];
      for (let i = 0; i < changes; i++) {
        const name = `bench-${gapMs}-${i}-${Date.now()}`;
        const started = performance.now();
        w.sim.updateUser(user.id, { displayName: name });
        await w.until(
          'the event at the receiver',
          () => receiver.acknowledged.some((e) => e.type === 'user.updated' && e.data.displayName === name),
          Boolean,
          10_000,
        );
        samples.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      return percentiles(samples);
    };
    const quiet = await sample(10, 1_500);
    const busy = await sample(30, 150);
    const verified = receiver.attempts.every((a) => a.verified);
    return [
      {
        bench: 'events',
        metric: `change → event at the receiver, quiet stream (1.5 s apart, n=${quiet.n}) p50 / p95`,
        value: `${ms(quiet.p50)} / ${ms(quiet.p95)}`,
        goal: 'p95 < 1 s',
        ok: quiet.p95 < 1_000 && verified,
      },
      {
        bench: 'events',
        metric: `change → event at the receiver, busy stream (150 ms apart, n=${busy.n}) p50 / p95`,
        value: `${ms(busy.p50)} / ${ms(busy.p95)}`,
        goal: 'p95 < 1 s',
        ok: busy.p95 < 1_000 && verified,
      },
    ];
  } finally {
    await w.close();
    await receiver.close();
  }
}

interface Load {
  events: boolean;
  usersMs: number;
  cpuMs: number;
  dbCpuMs: number | null;
  written: number;
  publishedAtEnd: number;
  delivery?: { ms: number; events: number; posts: number };
}

async function economy(): Promise<BenchRow[]> {
  const { info, stop } = await startSimulator<{
    graphUrl: string;
    loginUrl: string;
    controlUrl: string;
    controlKey: string;
    caCertPath: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
  }>({ users: USERS, rooms: 1 });
  const { trustCa } = await import('../test/support/graph-simulator-clients.js');
  trustCa(readFileSync(info.caCertPath, 'utf8'));
  try {
    await control(info, 'POST', '/faults/latency', { ms: LATENCY_MS, target: 'graph' });
    const child = node('bench/events-child.ts', {
      NODE_EXTRA_CA_CERTS: info.caCertPath,
      B_GRAPH: info.graphUrl,
      B_LOGIN: info.loginUrl,
      B_TENANT: info.tenantId,
      B_CLIENT: info.clientId,
      B_SECRET: info.clientSecret,
      B_ROUNDS: String(ROUNDS),
      ...(MYSQL_URL ? { B_MYSQL_URL: MYSQL_URL } : {}),
    });
    const code = await child.exited;
    if (code !== 0) throw new Error(`bench child failed (${code}):\n${child.out()}`);
    const { loads } = JSON.parse(child.out().trim().split('\n').pop() ?? '') as { loads: Load[] };
    const without = loads.filter((l) => !l.events);
    const withEvents = loads.filter((l) => l.events);
    const ratios = withEvents.map((l, i) => l.usersMs / without[i]!.usersMs);
    const median = medianOf(ratios);
    const extra = (f: (l: Load) => number | null) => {
      const d = withEvents.map((l, i) => [f(l), f(without[i]!)]);
      return d.every(([a, b]) => a !== null && b !== null) ? medianOf(d.map(([a, b]) => a! - b!)) : null;
    };
    const cpuExtra = extra((l) => l.cpuMs);
    const dbExtra = extra((l) => l.dbCpuMs);
    const last = withEvents.at(-1)!;
    const d = last.delivery!;
    const bench = `events, full load of ${USERS.toLocaleString('en')} users (${LATENCY_MS} ms/request, ${MYSQL_URL ? 'MySQL' : 'SQLite file'})`;
    return [
      {
        bench,
        metric: `users load with events / without (median of ${ROUNDS} paired rounds; each round)`,
        value: `${median.toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(', ')}; ${withEvents.map((l) => (l.usersMs / 1000).toFixed(1)).join(', ')} s vs ${without.map((l) => (l.usersMs / 1000).toFixed(1)).join(', ')} s)`,
        goal: '≤ 1.1',
        ok: median <= 1.1,
      },
      {
        bench,
        metric:
          'CPU the events add to a load: the worker process (zlib threads included), the database server (medians of the paired rounds)',
        value: `${ms(cpuExtra!)} of ${ms(medianOf(without.map((l) => l.cpuMs)))}, ${dbExtra === null ? 'not readable here' : `${ms(dbExtra)} of ${ms(medianOf(without.map((l) => l.dbCpuMs!)))}`}`,
      },
      {
        bench,
        metric: 'user.created events written, and published by the end of the load',
        value: `${last.written} (${last.publishedAtEnd} published)`,
        goal: `= ${USERS}`,
        ok: last.written === USERS,
      },
      {
        bench,
        metric: 'events written per second during the load',
        value: `${((last.written / last.usersMs) * 1000).toFixed(0)}/s`,
      },
      {
        bench,
        metric: "delivery of those events to a receiver (signed POSTs of 500; with the run's sync_run.finished)",
        value: `${d.events} in ${(d.ms / 1000).toFixed(1)} s = ${((d.events / d.ms) * 1000).toFixed(0)}/s, ${d.posts} POSTs`,
        ok: d.events === last.written + 1,
      },
    ];
  } finally {
    stop();
  }
}

export default async function run(): Promise<BenchRow[]> {
  return [...(await notificationPath()), ...(await economy())];
}
