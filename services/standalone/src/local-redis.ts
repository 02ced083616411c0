/**
 * Finds a Redis for `npm start`: the one at REDIS_URL, or else a `redis-server` started under
 * ./data when the binary is on the PATH. Otherwise explains the two ways to get one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const NO_REDIS_HELP =
  'ones-m365 needs Redis (its job queues live there) and none answered at REDIS_URL, ' +
  'and no `redis-server` binary is on the PATH to start one. Either install Redis ' +
  '(Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) and run `npm start` again, ' +
  'or start one in Docker with `docker compose up -d redis` (from this repository) and run `npm start` again. ' +
  'To use a Redis elsewhere, set REDIS_URL=redis://host:port.';

export async function startLocalRedis(dataDir: string): Promise<{ url: string; child: ChildProcess } | null> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dataDir,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      {
        stdio: 'ignore',
      },
    );
  } catch {
    return null;
  }
  const spawned = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.once('spawn', () => resolve(true));
  });
  if (!spawned) return null;
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url)) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  return null;
}
