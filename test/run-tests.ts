/**
 * `npm test`: runs the test layers with mocha (unit, integration, e2e, cluster) in that order and
 * ends with one line `N passed, N failed` that CI reads.
 *
 * Integration and e2e need the real MySQL and Redis. They are checked first; when either is
 * unreachable the run stops at once with a message naming it and how to start it (never skips).
 *
 * The cluster layer starts a local 3-master Redis Cluster (redis-server and redis-cli on the PATH)
 * under a temporary directory, and runs test/cluster/ and a representative set of the queue, sync,
 * webhook and end-to-end specs against it: in a child run of this script with
 * TEST_REDIS_CLUSTER_NODES set (the specs' Redis is read once, at import), which prints
 * `cluster: N passed, N failed`. The cluster is shut down and its directory removed afterwards.
 */
import Mocha from 'mocha';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalCluster } from './support/redis-cluster.js';
import { checkServices } from './support/services.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Layer {
  name: string;
  dir: string;
  timeout: number;
  needsServices: boolean;
}
const LAYERS: Layer[] = [
  { name: 'unit', dir: 'unit', timeout: 5_000, needsServices: false },
  { name: 'integration', dir: 'integration', timeout: 60_000, needsServices: true },
  { name: 'e2e', dir: 'e2e', timeout: 120_000, needsServices: true },
  { name: 'cluster', dir: 'cluster', timeout: 120_000, needsServices: true },
];

/**
 * The specs of the other layers that the cluster layer runs again, on the Redis Cluster: BullMQ
 * producer and workers, stream locks, the users sync, bookings made in ONES (the api holding a
 * room's lease, decline jobs), events to ONES (one deduplicated delivery job per integration,
 * backing off), webhooks (coalescing, pub/sub between two api processes), the operations records,
 * and api + workers as processes.
 */
const CLUSTER_SPECS = [
  'integration/queue/producer-worker.spec.ts',
  'integration/sync/stream-lock.spec.ts',
  'integration/sync/users-sync.spec.ts',
  'integration/bookings/ones-bookings.spec.ts',
  'integration/events/delivery.spec.ts',
  'integration/webhooks/webhook-endpoint.spec.ts',
  'integration/webhooks/two-api-processes.spec.ts',
  'integration/operations/recorder.spec.ts',
  'e2e/sync.e2e.spec.ts',
  'e2e/webhooks.e2e.spec.ts',
];

type Counts = { passes: number; failures: number; pending: number };

function specFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...specFiles(p));
    else if (e.endsWith('.spec.ts')) out.push(p);
  }
  return out;
}

const picked = (files: string[], only: string[]) =>
  files.filter((f) => only.length === 0 || only.some((o) => f.includes(o)));

async function runLayer(layer: Layer, only: string[], exact?: string[]): Promise<Counts> {
  const all = specFiles(join(here, layer.dir));
  const files = exact ? all.filter((f) => exact.includes(f)) : picked(all, only);
  if (files.length === 0) return { passes: 0, failures: 0, pending: 0 };
  const color = Boolean(process.stdout.isTTY);
  Mocha.reporters.Base.useColors = color;
  const mocha = new Mocha({ timeout: layer.timeout, reporter: 'spec', color });
  mocha.suite.title = layer.name;
  const setup = join(here, 'support', `${layer.name}.hooks.ts`);
  try {
    statSync(setup);
    mocha.addFile(setup);
  } catch {
    /* layer without root hooks */
  }
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();
  return await new Promise((resolve) => {
    const runner = mocha.run(() => {
      const s = runner.stats!;
      mocha.dispose();
      resolve({ passes: s.passes, failures: s.failures, pending: s.pending });
    });
  });
}

/** The cluster layer: a local Redis Cluster, and a child run of its spec files against it. */
async function runClusterLayer(only: string[]): Promise<Counts> {
  const files = picked([...specFiles(join(here, 'cluster')), ...CLUSTER_SPECS.map((f) => join(here, f))], only);
  if (files.length === 0) return { passes: 0, failures: 0, pending: 0 };
  const dir = mkdtempSync(join(tmpdir(), 'ones-m365-cluster-'));
  let cluster;
  try {
    cluster = await startLocalCluster(dir, 3);
  } catch (err) {
    console.error(
      `Could not start a local Redis Cluster (${(err as Error).message}).\n` +
        '  The cluster layer needs redis-server and redis-cli on the PATH (Debian: apt-get install redis-server).',
    );
    return { passes: 0, failures: 1, pending: 0 };
  }
  console.log(`(3-master Redis Cluster ${cluster.nodes}; ${files.length} spec files)`);
  const interrupted = () => {
    cluster.killNow();
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--cluster-run', ...files.map((f) => relative(here, f))],
      {
        env: { ...process.env, TEST_REDIS_CLUSTER_NODES: cluster.nodes, TEST_REDIS_CLUSTER_DIR: dir },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      process.stdout.write(d);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const summary = /^cluster: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m.exec(out);
    if (!summary) return { passes: 0, failures: 1, pending: 0 };
    const counts = { passes: Number(summary[1]), failures: Number(summary[2]), pending: Number(summary[3] ?? 0) };
    return code === 0 || counts.failures > 0 ? counts : { ...counts, failures: counts.failures + 1 };
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    await cluster.stop();
  }
}

/** The child run of the cluster layer: the given spec files, each with its own layer's timeout. */
async function clusterRun(files: string[]): Promise<void> {
  const totals = { passes: 0, failures: 0, pending: 0 };
  for (const layer of LAYERS) {
    const exact = files.map((f) => join(here, f)).filter((f) => f.startsWith(join(here, layer.dir) + '/'));
    if (!exact.length) continue;
    console.log(`\n=== ${layer.name} tests on the Redis Cluster ===`);
    const r = await runLayer(layer, [], exact);
    totals.passes += r.passes;
    totals.failures += r.failures;
    totals.pending += r.pending;
  }
  console.log(
    `\ncluster: ${totals.passes} passed, ${totals.failures} failed${totals.pending ? `, ${totals.pending} skipped` : ''}`,
  );
  process.exit(totals.failures > 0 ? 1 : 0);
}

async function main(): Promise<void> {
  // Arguments that name a layer pick layers; any other argument keeps only the spec files whose
  // path contains it (`npm test -- integration webhooks/` runs the webhook integration specs).
  const args = process.argv.slice(2);
  if (args[0] === '--cluster-run') return await clusterRun(args.slice(1));
  const wanted = args.filter((a) => LAYERS.some((l) => l.name === a));
  const only = args.filter((a) => !wanted.includes(a));
  const layers = wanted.length ? LAYERS.filter((l) => wanted.includes(l.name)) : LAYERS;
  if (layers.some((l) => l.needsServices)) {
    const problem = await checkServices();
    if (problem) {
      console.error(problem);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }
  let passed = 0,
    failed = 0,
    skipped = 0;
  for (const layer of layers) {
    console.log(`\n=== ${layer.name} tests ===`);
    const r = layer.name === 'cluster' ? await runClusterLayer(only) : await runLayer(layer, only);
    passed += r.passes;
    failed += r.failures;
    skipped += r.pending;
  }
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  // Open handles (pools, sockets) must not keep CI waiting: the counts above are final.
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
