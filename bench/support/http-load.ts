/**
 * A small loopback HTTP load generator (bounded in count and time): closed-loop throughput with N
 * keep-alive connections, and open-loop latency at a fixed request rate.
 */
import { Agent, request } from 'node:http';

export interface Target {
  port: number;
  path: string;
  body: string;
}

function post(agent: Agent, t: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.port,
        path: t.path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(t.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(t.body);
  });
}

/** Requests per second with `connections` requests always in flight; every answer must be `expect`. */
export async function throughput(
  t: Target,
  opts: { requests: number; connections: number; expect: number },
): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  let left = opts.requests;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      while (left-- > 0) {
        const status = await post(agent, t);
        if (status !== opts.expect) throw new Error(`unexpected status ${status} from ${t.path}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return opts.requests / seconds;
}

export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

export function percentiles(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), n: s.length };
}

/**
 * Latency (ms) of requests sent at a fixed rate to each target (open loop: sending does not wait
 * for answers). The targets are interleaved on one schedule, so background noise on the machine
 * hits them alike.
 */
export async function latencyAtRate(
  targets: Target[],
  opts: { perSecond: number; seconds: number; expect: number },
): Promise<LatencyStats[]> {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 64 }));
  const total = Math.round(opts.perSecond * opts.seconds);
  const gapMs = 1000 / opts.perSecond;
  const begin = performance.now();
  const samples: number[][] = targets.map(() => []);
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = begin + i * gapMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let k = 0; k < targets.length; k++) {
      const j = (i + k) % targets.length; // alternate which target goes first
      const sent = performance.now();
      pending.push(
        post(agents[j]!, targets[j]!).then((status) => {
          if (status !== opts.expect) throw new Error(`unexpected status ${status} from ${targets[j]!.path}`);
          samples[j]!.push(performance.now() - sent);
        }),
      );
    }
  }
  await Promise.all(pending);
  for (const a of agents) a.destroy();
  return samples.map(percentiles);
}
