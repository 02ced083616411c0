/**
 * The api and worker as real child processes (`main.ts` through tsx), configured only by their
 * environment, as a deployment runs them. Output is kept for assertions and failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pollUntil } from './poll.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = { api: 'services/api/src/main.ts', worker: 'services/worker/src/main.ts' } as const;

export interface ServiceProcess {
  proc: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function spawnService(kind: keyof typeof ENTRY, env: Record<string, string | undefined>): ServiceProcess {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ENTRY[kind]], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return await exited;
    },
  };
}

/** Polls `url` until it answers 2xx, or fails with the process output. */
export async function waitForHttp(url: string, svc: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (svc.proc.exitCode !== null) throw new Error(`process exited (${svc.proc.exitCode}):\n${svc.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${svc.output()}`);
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  return (await pollUntil(what, fn, (v) => Boolean(v), { timeoutMs, everyMs })) as T;
}
