/**
 * `npm test`: runs the three test layers with mocha (unit, integration, e2e) in that order and
 * ends with one line `N passed, N failed` that CI reads.
 *
 * Integration and e2e need the real MySQL and Redis. They are checked first; when either is
 * unreachable the run stops at once with a message naming it and how to start it (never skips).
 */
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
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
];

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

async function runLayer(layer: Layer, only: string[]): Promise<{ passes: number; failures: number; pending: number }> {
  const files = specFiles(join(here, layer.dir)).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
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

async function main(): Promise<void> {
  // Arguments that name a layer pick layers; any other argument keeps only the spec files whose
  // path contains it (`npm test -- integration webhooks/` runs the webhook integration specs).
  const args = process.argv.slice(2);
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
    const r = await runLayer(layer, only);
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
