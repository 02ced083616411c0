/**
 * What every benchmark child process starts from: the simulator's tenant and app from its `B_*`
 * environment, a fresh database (MySQL when `B_MYSQL_URL` is set, else a SQLite file) with the
 * integration stored in it, a job context for calling job handlers directly, a pool of lanes, and
 * a peak-RSS sampler, and the CPU time of this process and of the local database server.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '@ones-m365/shared/crypto';
import { IntegrationRepository, openDatabase } from '@ones-m365/shared/db';
import type { GraphConnection } from '@ones-m365/shared/graph';
import { sealSecret } from '@ones-m365/shared/integrations';
import { silentLogger } from '@ones-m365/shared/logging';
import type { JobContext } from '../../services/worker/src/jobs/job-handler.js';
import { createMysqlDatabase } from '../../test/support/db.js';

const env = process.env;

/** The Redis the child uses (`B_REDIS`, else the local one). */
export const benchRedis = { kind: 'server', url: env.B_REDIS ?? 'redis://127.0.0.1:6379' } as const;

/** The simulator's tenant and app, as an integration's Graph connection with a fresh id. */
export function benchConnection(): GraphConnection {
  return {
    id: randomUUID(),
    cloud: 'global',
    tenantId: env.B_TENANT!,
    clientId: env.B_CLIENT!,
    clientSecret: env.B_SECRET!,
    endpoints: { login: env.B_LOGIN!, graph: env.B_GRAPH! },
  };
}

/** One for every job: a worker gives each job a child of its one logger, not a new logger. */
const jobLogger = silentLogger();

/** A job context for calling a handler directly; `delay` (a throttled or waiting job) throws. */
export function benchJobContext(delayError: () => Error = () => new Error('throttled during the bench')): JobContext {
  return {
    jobId: randomUUID(),
    attemptsMade: 0,
    maxAttempts: 1,
    logger: jobLogger,
    progress: async () => undefined,
    delay: async () => {
      throw delayError();
    },
  };
}

/**
 * Runs `fn` on a database of its own, dropped afterwards. `mysqlName` is the MySQL database's
 * name (null on SQLite).
 */
export async function withBenchDatabase<T>(
  label: string,
  fn: (db: DataSource, mysqlName: string | null) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `${label}-bench-`));
  const mysql = env.B_MYSQL_URL ? await createMysqlDatabase(env.B_MYSQL_URL) : null;
  const db = await openDatabase(mysql ? mysql.url : `sqlite:${join(dir, 'bench.sqlite')}`);
  try {
    return await fn(db, mysql?.name ?? null);
  } finally {
    await db.destroy();
    await mysql?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Stores the connection's integration (its secret sealed with `box`). */
export async function storeBenchIntegration(db: DataSource, box: SecretBox, conn: GraphConnection): Promise<void> {
  await new IntegrationRepository(db).create({
    id: conn.id,
    name: 'bench',
    cloud: 'global',
    tenantId: conn.tenantId,
    clientId: conn.clientId,
    endpoints: conn.endpoints!,
    ...sealSecret(box, conn.id, conn.clientSecret),
  });
}

/** Runs `fn` over `items`, `n` at a time. */
export async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Samples RSS every 100 ms from now (after a GC) until `stop`, which gives the base and the peak in MB. */
export function sampleRss(): { stop(): { baseRssMb: number; peakRssMb: number } } {
  global.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  return {
    stop() {
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage.rss());
      return { baseRssMb: base / 2 ** 20, peakRssMb: peak / 2 ** 20 };
    },
  };
}

/** The local MariaDB/MySQL server's process, when this machine runs one (for its CPU time). */
const dbPid = (() => {
  try {
    return execFileSync('pidof', ['-s', 'mariadbd', 'mysqld'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
})();

/** CPU milliseconds used so far by this process and by the database server (null: not readable here). */
export function cpuNow(): { own: number; db: number | null } {
  const u = process.cpuUsage();
  let db: number | null = null;
  try {
    if (dbPid) {
      const f = readFileSync(`/proc/${dbPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      db = ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
    }
  } catch {
    db = null;
  }
  return { own: (u.user + u.system) / 1000, db };
}
