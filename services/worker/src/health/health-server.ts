/**
 * The worker's own small HTTP endpoint, on its own port (WORKER_HEALTH_PORT), for the probes of
 * an orchestrator: `/healthz` (the process answers) and `/readyz` (the database and Redis answer,
 * and the worker is not stopping). It serves nothing else.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { RedisClient } from '@ones-m365/shared/queue';
import { pingDatabase } from '@ones-m365/shared/db';
import { withinDeadline } from '@ones-m365/shared/errors';

const CHECK_TIMEOUT_MS = 2_000;

export interface WorkerHealthDeps {
  db: DataSource;
  /** A fail-fast connection (the producer's): a Redis that is down answers at once. */
  redis: RedisClient;
}

export interface WorkerHealthServer {
  port: number;
  /** From now on `/readyz` answers 503 `stopping` (SIGTERM received, jobs draining). */
  markStopping(): void;
  close(): Promise<void>;
}

type Check = { ok: boolean; error?: string };

async function check(p: Promise<unknown>): Promise<Check> {
  try {
    await withinDeadline(p, CHECK_TIMEOUT_MS, `timed out after ${CHECK_TIMEOUT_MS} ms`);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

async function readiness(deps: WorkerHealthDeps, stopping: boolean): Promise<{ status: number; body: object }> {
  if (stopping) return { status: 503, body: { status: 'stopping' } };
  const [database, redis] = await Promise.all([check(pingDatabase(deps.db)), check(deps.redis.ping())]);
  const ok = database.ok && redis.ok;
  return { status: ok ? 200 : 503, body: { status: ok ? 'ready' : 'not_ready', checks: { database, redis } } };
}

export async function startWorkerHealthServer(
  deps: WorkerHealthDeps,
  port: number,
  host = '0.0.0.0',
): Promise<WorkerHealthServer> {
  let stopping = false;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, { error: { code: 'method_not_allowed', message: 'Only GET is served here', details: [] } });
    if (path === '/healthz') return send(200, { status: 'ok' });
    if (path === '/readyz') return void readiness(deps, stopping).then((r) => send(r.status, r.body));
    send(404, { error: { code: 'not_found', message: 'The worker serves only /healthz and /readyz', details: [] } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    markStopping: () => void (stopping = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
