import { randomBytes } from 'node:crypto';
import { RUN_ID, TEST_REDIS_URL } from './services.js';

let counter = 0;

/** A queue prefix no other test (or run) uses. */
export function freshPrefix(): string {
  return `t-${RUN_ID}-${++counter}`;
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
    QUEUE_PREFIX: freshPrefix(),
    DATABASE_URL: 'sqlite::memory:',
    // Any free port: parallel runs' worker processes never compete for the default one.
    WORKER_HEALTH_PORT: '0',
    ...overrides,
  };
}

export async function removeQueueData(redisUrl: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const r = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
