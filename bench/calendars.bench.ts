/**
 * 1. Booking policy on the notification path: an Outlook booking that breaks the policy, made at
 *    the simulator, → its change notification → the api's webhook → the room's delta run → the
 *    room's decline at Graph (api + worker in process, MySQL, Redis, the simulator over HTTPS);
 *    the latency is the simulator's own clock, from the event's creation to the decline it received.
 * 2. First load of room calendars: 2,000 rooms × 30 bookings (and 200 × 30 for the memory
 * comparison) from the Graph simulator (a child process, 30 ms per request), into MySQL (or a
 * SQLite file with BENCH_DB=sqlite) with real Redis. Each size runs in its own child process
 * (calendars-child.ts) so peak RSS is the load's own. Reports Graph requests per room against the
 * pages, the time as a ratio to a plain walk of the same pages with the same concurrency, and peak
 * RSS at 200 vs 2,000 rooms.
 */
import { readFileSync } from 'node:fs';
import { QUEUES } from '@ones-m365/shared/queue';
import { RoomRepository } from '@ones-m365/shared/db';
import { queueIdle } from '../test/support/poll.js';
import { startWebhookHarness } from '../test/support/webhook-harness.js';
import type { BenchRow } from './run-bench.js';
import { control, node, startSimulator } from './support/sim-process.js';

const LATENCY_MS = 30;
const CONCURRENCY = 4;
const MYSQL_URL =
  process.env.BENCH_DB === 'sqlite' ? null : (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');

interface SimInfo {
  graphUrl: string;
  loginUrl: string;
  controlUrl: string;
  controlKey: string;
  caCertPath: string;
}
interface Measured {
  walk: { ms: number; requests: number };
  load: { ms: number; requests: number; rooms: number; bookings: number; peakRssMb: number; baseRssMb: number };
}

async function measure(info: SimInfo, rooms: number, seed: number): Promise<Measured> {
  const t = await control(info, 'POST', '/tenants', { users: 10, rooms, eventsPerRoom: 30, hiddenRoomShare: 0, seed });
  const app = t.apps[0];
  const child = node('bench/calendars-child.ts', {
    NODE_EXTRA_CA_CERTS: info.caCertPath,
    B_GRAPH: info.graphUrl,
    B_LOGIN: info.loginUrl,
    B_TENANT: t.tenantId,
    B_CLIENT: app.appId,
    B_SECRET: app.secrets[0].value,
    B_CONCURRENCY: String(CONCURRENCY),
    ...(MYSQL_URL ? { B_MYSQL_URL: MYSQL_URL } : {}),
  });
  const code = await child.exited;
  if (code !== 0) throw new Error(`bench child failed (${code}):\n${child.out()}`);
  return JSON.parse(child.out().trim().split('\n').pop() ?? '') as Measured;
}

const BOOKINGS = 30;
const SPACING_MS = 400;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function declineLatency(): Promise<BenchRow[]> {
  const w = await startWebhookHarness({ seed: { rooms: 3, eventsPerRoom: 2, hiddenRoomShare: 0 } });
  try {
    const id = await w.create();
    await w.enable(id);
    const rooms = await w.until(
      'the rooms',
      () => new RoomRepository(w.h.db.ds).activeIds(id),
      (r) => r.length === 3,
      30_000,
    );
    await w.until(
      'a subscription per room',
      () => w.subscriptions.listForIntegration(id),
      (r) => r.length === 1 + rooms.length && r.every((x) => x.status === 'active'),
      30_000,
    );
    await w.syncIdle();
    await queueIdle(w.producer.queue(QUEUES.calendars), 30_000);
    const put = await w.h.call(`/api/v1/integrations/${id}/booking-policy`, {
      method: 'PUT',
      json: { enabled: true, rules: { maxDurationMinutes: 60 } },
    });
    if (put.status !== 200) throw new Error(`policy: ${put.status} ${JSON.stringify(put.body)}`);
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 3 * 86_400_000;
    const made: { id: string; createdMs: number }[] = [];
    for (let i = 0; i < BOOKINGS; i++) {
      const start = day + (6 + Math.floor(i / rooms.length)) * 3_600_000;
      const ev = w.sim.bookEvent(rooms[i % rooms.length]!.email, {
        subject: `Too long ${i}`,
        start: new Date(start).toISOString(),
        end: new Date(start + 90 * 60_000).toISOString(),
      });
      made.push({ id: ev.id, createdMs: Date.parse(ev.createdDateTime) });
      await new Promise((r) => setTimeout(r, SPACING_MS));
    }
    const declined = () =>
      new Map(
        w.sim
          .meetingMessages()
          .filter((m) => m.kind === 'declined')
          .map((m) => [m.eventId, m]),
      );
    await w.until('every booking declined', declined, (d) => made.every((m) => d.has(m.id)), 60_000);
    const d = declined();
    const lat = made.map((m) => Date.parse(d.get(m.id)!.at) - m.createdMs).sort((a, b) => a - b);
    const bench = 'booking policy (notification path)';
    return [
      {
        bench,
        metric: `Outlook booking breaking the policy → declined at Graph (n=${lat.length}, ${SPACING_MS} ms apart over 3 rooms) p50 / p95`,
        value: `${lat[Math.floor(lat.length / 2)]} / ${quantile(lat, 0.95)} ms`,
        goal: 'p95 < 3 s',
        ok: quantile(lat, 0.95) < 3_000,
      },
      {
        bench,
        metric: 'declines sent per booking',
        value: String(w.sim.meetingMessages().filter((m) => m.kind === 'declined').length / made.length),
        goal: '1',
        ok: w.sim.meetingMessages().filter((m) => m.kind === 'declined').length === made.length,
      },
    ];
  } finally {
    await w.close();
  }
}

export default async function run(): Promise<BenchRow[]> {
  const rows = await declineLatency();
  const { info, stop } = await startSimulator<SimInfo>({ users: 10, rooms: 1 });
  const { trustCa } = await import('../test/support/graph-simulator-clients.js');
  trustCa(readFileSync(info.caCertPath, 'utf8'));
  try {
    await control(info, 'POST', '/faults/latency', { ms: LATENCY_MS, target: 'graph' });
    const small = await measure(info, 200, 7);
    const big = await measure(info, 2000, 8);
    const bench = `calendars first load (${LATENCY_MS} ms/request, ${CONCURRENCY} rooms at once, ${MYSQL_URL ? 'MySQL' : 'SQLite file'})`;
    const pagesPerRoom = big.walk.requests / big.load.rooms;
    const perRoom = big.load.requests / big.load.rooms;
    const ratio = big.load.ms / big.walk.ms;
    const flat = big.load.peakRssMb / small.load.peakRssMb;
    return [
      ...rows,
      {
        bench,
        metric: `Graph requests per room (${big.load.rooms} rooms, ${big.load.bookings} bookings)`,
        value: `${perRoom.toFixed(2)} (pages: ${pagesPerRoom.toFixed(2)})`,
        goal: 'pages + at most 1',
        ok: perRoom <= pagesPerRoom + 1,
      },
      {
        bench,
        metric: 'time: first load / plain walk (2,000 rooms)',
        value: `${(big.load.ms / 1000).toFixed(2)} s / ${(big.walk.ms / 1000).toFixed(2)} s = ${ratio.toFixed(2)}`,
        goal: '≤ 1.3',
        ok: ratio <= 1.3,
      },
      {
        bench,
        metric: 'time: first load / plain walk (200 rooms)',
        value: `${(small.load.ms / 1000).toFixed(2)} s / ${(small.walk.ms / 1000).toFixed(2)} s = ${(small.load.ms / small.walk.ms).toFixed(2)}`,
      },
      {
        bench,
        metric: 'peak RSS 200 → 2,000 rooms',
        value: `${small.load.peakRssMb.toFixed(0)} MB → ${big.load.peakRssMb.toFixed(0)} MB (${flat.toFixed(2)}×)`,
        goal: 'flat, ≤ 1.2×',
        ok: flat <= 1.2,
      },
    ];
  } finally {
    stop();
  }
}
