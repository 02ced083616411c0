/**
 * A local Redis Cluster for the cluster layer of `npm test`: N masters (`redis-server
 * --cluster-enabled yes`) on free ports, joined by `redis-cli --cluster create`, each under a
 * directory of its own with an append-only file (a restarted node keeps its keys), daemonized with
 * a pid file. Whoever holds the directory can restart a node or move a slot (the cluster specs
 * run in another process than the runner that started the cluster); `stop` shuts every node down.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const HOST = '127.0.0.1';
/** A node is failed by the others after this long unreachable; restarts here take far less. */
const NODE_TIMEOUT_MS = 5_000;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, HOST, () => s.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

const nodeDir = (dir: string, port: number) => join(dir, String(port));
const pidFile = (dir: string, port: number) => join(nodeDir(dir, port), 'redis.pid');

function nodeArgs(dir: string, port: number): string[] {
  const d = nodeDir(dir, port);
  return [
    '--port',
    String(port),
    '--bind',
    HOST,
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(d, 'nodes.conf'),
    '--cluster-node-timeout',
    String(NODE_TIMEOUT_MS),
    '--dir',
    d,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--daemonize',
    'yes',
    '--pidfile',
    pidFile(dir, port),
    '--logfile',
    join(d, 'redis.log'),
  ];
}

async function admin<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`Redis Cluster: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const clusterState = (port: number) =>
  admin(port, async (r) => /cluster_state:(\w+)/.exec(String(await r.call('CLUSTER', 'INFO')))?.[1]);

const nodeId = (port: number) => admin(port, async (r) => String(await r.call('CLUSTER', 'MYID')));

async function startNode(dir: string, port: number): Promise<void> {
  mkdirSync(nodeDir(dir, port), { recursive: true });
  await run('redis-server', nodeArgs(dir, port));
  await until(`node ${port} to answer`, () => admin(port, async (r) => (await r.ping()) === 'PONG'));
}

function pidOf(dir: string, port: number): number | null {
  const file = pidFile(dir, port);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || null : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the node on `port`: SHUTDOWN (the append-only file is flushed), or SIGKILL by its pid. */
async function stopNode(dir: string, port: number, how: 'shutdown' | 'kill'): Promise<void> {
  const pid = pidOf(dir, port);
  if (how === 'kill' && pid) process.kill(pid, 'SIGKILL');
  else await admin(port, (r) => r.call('SHUTDOWN')).catch(() => undefined);
  if (pid) await until(`node ${port} to exit`, async () => !alive(pid), 10_000);
}

export interface ClusterControl {
  dir: string;
  ports: number[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…`: REDIS_CLUSTER_NODES for the service. */
  nodes: string;
  keySlot(key: string): Promise<number>;
  /** The port of the master serving `slot`. */
  slotOwner(slot: number): Promise<number>;
  /**
   * Moves `slot` to the master on `toPort` as `redis-cli --cluster reshard` does: IMPORTING /
   * MIGRATING, its keys MIGRATEd in batches (`pauseMs` between them: clients meanwhile get ASK
   * and TRYAGAIN), then the slot assigned to the new owner on every master.
   */
  moveSlot(slot: number, toPort: number, opts?: { batch?: number; pauseMs?: number }): Promise<{ keys: number }>;
  /** Stops the node (SHUTDOWN, or SIGKILL) and starts it again; resolves once the cluster is ok. */
  restartNode(port: number, opts?: { how?: 'shutdown' | 'kill'; downMs?: number }): Promise<void>;
}

export function clusterControl(dir: string, ports: number[]): ClusterControl {
  const control: ClusterControl = {
    dir,
    ports,
    nodes: ports.map((p) => `${HOST}:${p}`).join(','),
    keySlot: (key) => admin(ports[0]!, async (r) => Number(await r.call('CLUSTER', 'KEYSLOT', key))),
    async slotOwner(slot) {
      const slots = (await admin(ports[0]!, (r) => r.call('CLUSTER', 'SLOTS'))) as [number, number, [string, number]][];
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`slot ${slot} has no owner`);
      return Number(range[2][1]);
    },
    async moveSlot(slot, toPort, opts = {}) {
      const fromPort = await control.slotOwner(slot);
      if (fromPort === toPort) return { keys: 0 };
      const [fromId, toId] = [await nodeId(fromPort), await nodeId(toPort)];
      await admin(toPort, (r) => r.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId));
      await admin(fromPort, (r) => r.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId));
      let moved = 0;
      await admin(fromPort, async (r) => {
        for (;;) {
          const keys = (await r.call('CLUSTER', 'GETKEYSINSLOT', slot, opts.batch ?? 20)) as string[];
          if (!keys.length) break;
          await r.call('MIGRATE', HOST, toPort, '', 0, 10_000, 'KEYS', ...keys);
          moved += keys.length;
          if (opts.pauseMs) await new Promise((res) => setTimeout(res, opts.pauseMs));
        }
      });
      // The new owner first, then the old one (clients are then sent MOVED), then the others.
      for (const port of [toPort, fromPort, ...ports.filter((p) => p !== toPort && p !== fromPort)])
        await admin(port, (r) => r.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId));
      await until(`every node to see slot ${slot} on ${toPort}`, async () => {
        for (const port of ports) {
          const slots = (await admin(port, (r) => r.call('CLUSTER', 'SLOTS'))) as [number, number, [string, number]][];
          const range = slots.find(([from, to]) => slot >= from && slot <= to);
          if (Number(range?.[2][1]) !== toPort) return false;
        }
        return true;
      });
      return { keys: moved };
    },
    async restartNode(port, opts = {}) {
      await stopNode(dir, port, opts.how ?? 'shutdown');
      if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
      await startNode(dir, port);
      await until('the cluster to be ok again', async () => {
        for (const p of ports) if ((await clusterState(p)) !== 'ok') return false;
        return true;
      });
    },
  };
  return control;
}

export interface LocalCluster extends ClusterControl {
  /** Stops every node (by the pid in its pid file: restarted ones too) and removes the directory. */
  stop(): Promise<void>;
  /** The same, synchronously and without waiting (the runner interrupted). */
  killNow(): void;
}

/** Starts `masters` nodes under `dir` and joins them into one cluster (every slot covered). */
export async function startLocalCluster(dir: string, masters = 3): Promise<LocalCluster> {
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) {
    const port = await freeClusterPort(taken);
    taken.add(port).add(port + 10_000);
    ports.push(port);
  }
  const control = clusterControl(dir, ports);
  const stop = async () => {
    for (const port of ports) await stopNode(dir, port, 'kill').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const killNow = () => {
    for (const port of ports) {
      const pid = pidOf(dir, port);
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await startNode(dir, port);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `${HOST}:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await until('every node to report cluster_state:ok', async () => {
      for (const p of ports) if ((await clusterState(p)) !== 'ok') return false;
      return true;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...control, stop, killNow };
}
