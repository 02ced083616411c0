import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/index.js';

/** A connection to the service's Redis: one server, or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisClient = Redis | Cluster;

export type RedisRole = 'worker' | 'producer';

const retry = (times: number) => Math.min(times * 200, 2_000);

/**
 * Workers wait for Redis forever (`maxRetriesPerRequest: null`, as BullMQ requires); producers
 * fail fast so the api can answer 503 instead of hanging (BullMQ's "going to production").
 *
 * On a cluster the same holds per node; a command sent while its slot moves or its node fails
 * over is redirected (MOVED, ASK) or retried (TRYAGAIN, CLUSTERDOWN) by the client, for a few
 * seconds at most: long enough for a slot migration's key batches and a replica's promotion.
 */
export function createRedisConnection(target: RedisTarget, role: RedisRole, extra: RedisOptions = {}): RedisClient {
  const base: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3_000, commandTimeout: 3_000 };
  const redis: RedisClient =
    target.kind === 'server'
      ? new Redis(target.url, { ...base, retryStrategy: retry, ...extra })
      : new Cluster(
          target.nodes.map((n) => ({ host: n.host, port: n.port })),
          clusterOptions(target, role, { ...base, ...extra }),
        );
  // Connection errors are reported by readiness checks and job failures; without a listener
  // ioredis would print each reconnect attempt as an unhandled error.
  redis.on('error', () => undefined);
  return redis;
}

function clusterOptions(
  target: Extract<RedisTarget, { kind: 'cluster' }>,
  role: RedisRole,
  node: RedisOptions,
): ClusterOptions {
  const { enableOfflineQueue, ...perNode } = node;
  return {
    redisOptions: {
      ...perNode,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      // Managed clusters announce their nodes by IP: TLS checks the certificate against the
      // seed's name, which dnsLookup keeps (ioredis's advice for AWS ElastiCache and Azure).
      ...(target.tls ? { tls: {} } : {}),
    },
    ...(target.tls ? { dnsLookup: (address, done) => done(null, address) } : {}),
    clusterRetryStrategy: retry,
    // The producer's commands fail at once while the cluster is unreachable (503), like on a server.
    enableOfflineQueue: enableOfflineQueue ?? role === 'worker',
    enableReadyCheck: true,
    retryDelayOnMoved: 0,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 100,
    maxRedirections: 50,
    slotsRefreshTimeout: 2_000,
  };
}
