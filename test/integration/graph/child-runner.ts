/**
 * How the integration tests trust the simulator's self-signed CA.
 *
 * Decision: the client has NO option to add a CA. Production trusts a private CA (a
 * TLS-inspecting proxy, the simulator in the demo) the way contract.md says: NODE_EXTRA_CA_CERTS,
 * which Node reads once at process start and which then covers global fetch, used both by
 * msal-node 7 and by our graph-client FetchHandler. A test process cannot set it after start, so
 * the simulator cases run in a child process: this parent makes the simulator's CA first
 * (`prepareTls` in a fresh data dir, which `startGraphSimulator({dataDir})` then reuses), starts
 * mocha on `cases/*.cases.ts` with NODE_EXTRA_CA_CERTS pointing at it (bundled with any CA file
 * the parent already had), and replays each child test as a test of its own here.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareTls } from '@ones-m365/graph-simulator';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

export interface ChildTest {
  title: string;
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  error?: string;
}

export interface ChildOutcome {
  tests: ChildTest[];
  /** Set when the child could not report (crash, timeout). */
  crash?: string;
  dataDir: string;
  durationMs: number;
}

interface MochaJson {
  passes: { title: string; fullTitle: string }[];
  failures: { title: string; fullTitle: string; err: { message?: string; stack?: string } }[];
  pending: { title: string; fullTitle: string }[];
}

export async function makeSimulatorCa(): Promise<{ dataDir: string; caPath: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'graph-it-'));
  const tls = await prepareTls(dataDir, ['127.0.0.1']);
  return { dataDir, caPath: tls.caCertPath };
}

async function caBundle(dataDir: string, caPath: string): Promise<string> {
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  if (!existing) return caPath;
  const bundle = join(dataDir, 'ca-bundle.pem');
  const parts = [await readFile(caPath, 'utf8')];
  try {
    parts.push(await readFile(existing, 'utf8'));
  } catch {
    // an unreadable existing file is Node's warning to give, not ours
  }
  await writeFile(bundle, parts.join('\n'));
  return bundle;
}

export async function runCasesInChild(caseFiles: string[], timeoutMs = 240_000): Promise<ChildOutcome> {
  const started = Date.now();
  const { dataDir, caPath } = await makeSimulatorCa();
  const output = join(dataDir, 'results.json');
  const args = [
    '--conditions=source',
    '--import',
    'tsx',
    join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
    '--timeout',
    '60000',
    '--reporter',
    'json',
    '--reporter-option',
    `output=${output}`,
    ...caseFiles,
  ];
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: await caBundle(dataDir, caPath), GRAPH_IT_DATA_DIR: dataDir };
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  const durationMs = Date.now() - started;
  let report: MochaJson;
  try {
    report = JSON.parse(await readFile(output, 'utf8')) as MochaJson;
  } catch {
    return { tests: [], crash: `child exited ${String(code)} without a report:\n${log}`, dataDir, durationMs };
  }
  const tests: ChildTest[] = [
    ...report.passes.map((t) => ({ title: t.title, fullTitle: t.fullTitle, state: 'passed' as const })),
    ...report.failures.map((t) => ({
      title: t.title,
      fullTitle: t.fullTitle,
      state: 'failed' as const,
      error: `${t.err.message ?? ''}\n${t.err.stack ?? ''}`,
    })),
    ...report.pending.map((t) => ({ title: t.title, fullTitle: t.fullTitle, state: 'pending' as const })),
  ];
  return { tests, dataDir, durationMs };
}
