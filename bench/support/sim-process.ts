/**
 * The benchmarks' child processes: a script run through tsx with its output kept, and the Graph
 * simulator as one, started with a seed and read back from the JSON it prints once it listens.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildProcess {
  proc: ReturnType<typeof spawn>;
  out: () => string;
  exited: Promise<number | null>;
}

/** Runs a TypeScript entry point of this repository as a child process (GC exposed for RSS figures). */
export function node(script: string, env: Record<string, string>): ChildProcess {
  const proc = spawn(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { proc, out: () => out, exited: new Promise((r) => proc.once('exit', r)) };
}

export interface SimulatorControl {
  controlUrl: string;
  controlKey: string;
}

/** The simulator as a child process seeded with `seed`; resolves with what it printed once listening. */
export async function startSimulator<Info extends SimulatorControl>(seed: {
  users: number;
  rooms: number;
}): Promise<{ info: Info; stop(): void }> {
  const sim = node('services/graph-simulator/src/main.ts', {
    SIMULATOR_PORT: '0',
    SIMULATOR_SEED_USERS: String(seed.users),
    SIMULATOR_SEED_ROOMS: String(seed.rooms),
    SIMULATOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'sim-bench-')),
  });
  for (let i = 0; i < 600; i++) {
    const text = sim.out();
    const start = text.indexOf('{');
    const end = text.indexOf('\n}', start);
    if (start >= 0 && end > 0)
      return { info: JSON.parse(text.slice(start, end + 2)) as Info, stop: () => sim.proc.kill('SIGKILL') };
    await new Promise((r) => setTimeout(r, 100));
  }
  sim.proc.kill('SIGKILL');
  throw new Error(`the simulator did not start:\n${sim.out()}`);
}

/** One call of the simulator's control API. */
export async function control(info: SimulatorControl, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${info.controlUrl}${path}`, {
    method,
    headers: { 'x-simulator-key': info.controlKey, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : await res.json();
}
