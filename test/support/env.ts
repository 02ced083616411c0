import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { redisKeyPrefix } from '@ones-m365/shared/config';
import { createRedisConnection } from '@ones-m365/shared/queue';
import { RUN_ID, TEST_REDIS, TEST_REDIS_CLUSTER_NODES, TEST_REDIS_URL } from './services.js';

let counter = 0;

/** A QUEUE_PREFIX no other test (or run) uses. */
export function freshQueuePrefix(): string {
  return `t-${RUN_ID}-${++counter}`;
}

/** The hash-tagged key prefix of a fresh QUEUE_PREFIX, for what a test builds in process. */
export function freshPrefix(): string {
  return redisKeyPrefix(freshQueuePrefix());
}

/** The key prefix the processes of `env` use (its QUEUE_PREFIX, hash-tagged). */
export function keyPrefixOf(env: Record<string, string | undefined>): string {
  return redisKeyPrefix(env.QUEUE_PREFIX!);
}

/** A complete, valid environment for the api/worker, for tests to override. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    API_TOKEN: 'test-api-token-0123456789',
    DASHBOARD_USER: 'ops',
    DASHBOARD_PASSWORD: 'dashboard-password-0123',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_CLUSTER_NODES: TEST_REDIS_CLUSTER_NODES,
    QUEUE_PREFIX: freshQueuePrefix(),
    DATABASE_URL: 'sqlite::memory:',
    // Any free port: parallel runs' worker processes never compete for the default one.
    WORKER_HEALTH_PORT: '0',
    ...overrides,
  };
}

/** Deletes every key under `prefix` (a key prefix), on each master of a cluster. */
export async function removeQueueData(prefix: string): Promise<void> {
  const r = createRedisConnection(TEST_REDIS, 'worker');
  try {
    if (r.status !== 'ready') await once(r, 'ready', { signal: AbortSignal.timeout(10_000) });
    const nodes = 'nodes' in r ? r.nodes('master') : [r];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        // One hash tag: the keys of one prefix share a slot, so one DEL takes them all.
        if (keys.length) await node.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
}
