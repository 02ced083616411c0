/**
 * First load of room calendars: 2,000 rooms × 30 bookings (and 200 × 30 for the memory
 * comparison) from the Graph simulator (a child process, 30 ms per request), into MySQL (or a
 * SQLite file with BENCH_DB=sqlite) with real Redis. Each size runs in its own child process
 * (calendars-child.ts) so peak RSS is the load's own. Reports Graph requests per room against the
 * pages, the time as a ratio to a plain walk of the same pages with the same concurrency, and peak
 * RSS at 200 vs 2,000 rooms.
 */
import { readFileSync } from 'node:fs';
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

export default async function run(): Promise<BenchRow[]> {
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
