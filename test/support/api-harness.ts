/**
 * The api app on a real HTTP port, over a fresh MySQL database and a real Redis with a fresh
 * queue prefix. Tests talk to it with fetch, as the ONES backend would.
 */
import type { RedisClient } from '@ones-m365/shared/queue';
import { createMetrics, startApiProcess, type RunningApi } from '@ones-m365/api';
import { loadApiConfig, type ApiConfig } from '@ones-m365/shared/config';
import { SecretBox } from '@ones-m365/shared/crypto';
import { createGraphClient } from '@ones-m365/shared/graph';
import { silentLogger, type Logger } from '@ones-m365/shared/logging';
import { OperationsReader, OperationsRecorder, secretStatusWriter } from '@ones-m365/shared/operations';
import { createSignInClient } from '@ones-m365/shared/sso';
import { createProducer, createRedisConnection, type Producer } from '@ones-m365/shared/queue';
import { openTestDatabase, type TestDatabase } from './db.js';
import { removeQueueData, testEnv } from './env.js';

export interface ApiHarness {
  url: string;
  config: ApiConfig;
  db: TestDatabase;
  redis: RedisClient;
  producer: Producer;
  api: RunningApi;
  /** fetch against the api with the bearer token (unless `auth: false`). */
  call(
    path: string,
    init?: RequestInit & { auth?: boolean; json?: unknown },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** `envOverrides.PORT` makes it listen on that port (e.g. to match a PUBLIC_BASE_URL); else on a free one. */
export async function startApiHarness(
  envOverrides: Record<string, string> = {},
  opts: { logger?: Logger } = {},
): Promise<ApiHarness> {
  const db = await openTestDatabase('mysql');
  const config = loadApiConfig(testEnv({ DATABASE_URL: db.url, ...envOverrides }));
  const redis = createRedisConnection(config.redis, 'producer');
  const producer = createProducer(redis, config.keyPrefix);
  const events = createRedisConnection(config.redis, 'worker');
  // Wired as services/api/src/main.ts wires it.
  const graph = createGraphClient({
    observer: new OperationsRecorder(redis, config.keyPrefix, { onSecretRejected: secretStatusWriter(db.ds) }),
  });
  const secretBox = new SecretBox(config.encryptionKey);
  const metrics = createMetrics(producer, {
    db: db.ds,
    redis,
    secretBox,
    reader: new OperationsReader(redis, config.keyPrefix),
  });
  const api = await startApiProcess(
    {
      config,
      logger: opts.logger ?? silentLogger(),
      db: db.ds,
      redis,
      producer,
      metrics,
      graph,
      signIn: createSignInClient(),
      secretBox,
      events,
    },
    envOverrides.PORT ? config.port : 0,
    '127.0.0.1',
  );
  const url = `http://127.0.0.1:${api.port}`;
  return {
    url,
    config,
    db,
    redis,
    producer,
    api,
    async call(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.auth !== false && !headers.has('authorization'))
        headers.set('authorization', `Bearer ${config.apiToken}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      const res = await fetch(url + path, { ...init, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await api.close();
      await producer.close();
      redis.disconnect();
      events.disconnect();
      await db.drop();
      await removeQueueData(config.keyPrefix);
    },
  };
}
