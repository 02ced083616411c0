import { Redis, type RedisOptions } from 'ioredis';

/**
 * Workers wait for Redis forever (`maxRetriesPerRequest: null`, as BullMQ requires); producers
 * fail fast so the api can answer 503 instead of hanging (BullMQ's "going to production").
 */
export function createRedisConnection(url: string, role: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  const base: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3_000, commandTimeout: 3_000 };
  const redis = new Redis(url, { ...base, retryStrategy: (times) => Math.min(times * 200, 2_000), ...extra });
  // Connection errors are reported by readiness checks and job failures; without a listener
  // ioredis would print each reconnect attempt as an unhandled error.
  redis.on('error', () => undefined);
  return redis;
}
