/**
 * The real services the integration and e2e layers run against, and the check that they answer.
 * Override with TEST_MYSQL_URL (server URL, no database) and TEST_REDIS_URL. The cluster layer
 * runs specs again with TEST_REDIS_CLUSTER_NODES set (the Redis Cluster it started): `TEST_REDIS`
 * is then that cluster.
 */
import { createConnection } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { parseClusterNodes, type RedisTarget } from '@ones-m365/shared/config';

export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
/** The single Redis server (also what specs that put a proxy in front of Redis use). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_REDIS_CLUSTER_NODES = process.env.TEST_REDIS_CLUSTER_NODES || undefined;

function testRedis(): RedisTarget {
  if (!TEST_REDIS_CLUSTER_NODES) return { kind: 'server', url: TEST_REDIS_URL };
  const parsed = parseClusterNodes(TEST_REDIS_CLUSTER_NODES);
  if (!parsed.ok) throw new Error(`TEST_REDIS_CLUSTER_NODES ${parsed.message}`);
  return parsed.value;
}

/** The Redis the specs use: the server at TEST_REDIS_URL, or the cluster of the cluster layer. */
export const TEST_REDIS: RedisTarget = testRedis();

/** One id per test run: its MySQL databases and queue prefixes carry it, so runs never meet. */
export const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export async function checkServices(): Promise<string | null> {
  const problems: string[] = [];
  try {
    const c = await createConnection({ uri: TEST_MYSQL_URL, connectTimeout: 3000 });
    await c.query('SELECT 1');
    await c.end();
  } catch (err) {
    problems.push(
      `MySQL is not reachable at ${TEST_MYSQL_URL} (${(err as Error).message}).\n` +
        '  Start it: `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd` (MariaDB),\n' +
        '  or `docker compose up -d mysql`, or point TEST_MYSQL_URL at one (user with CREATE/DROP DATABASE).',
    );
  }
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    problems.push(
      `Redis is not reachable at ${TEST_REDIS_URL} (${(err as Error).message}).\n` +
        '  Start it: `redis-server --daemonize yes --bind 127.0.0.1 --port 6379`,\n' +
        '  or `docker compose up -d redis`, or point TEST_REDIS_URL at one.',
    );
  } finally {
    redis.disconnect();
  }
  return problems.length ? `Integration tests need real services:\n- ${problems.join('\n- ')}` : null;
}
