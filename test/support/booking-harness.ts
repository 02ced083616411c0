/**
 * Booking policy tests' world: the sync harness (simulator, MySQL, Redis, in-process workers with
 * every calendar job) plus the api on a real port over the same database, queue prefix and
 * encryption key, so a test drives ONES's side over HTTP and Outlook's side at the simulator.
 */
import { createMetrics, startApiProcess, type RunningApi } from '@ones-m365/api';
import { loadApiConfig } from '@ones-m365/shared/config';
import { RoomRepository, type RoomEntity } from '@ones-m365/shared/db';
import { createGraphClient } from '@ones-m365/shared/graph';
import { silentLogger } from '@ones-m365/shared/logging';
import { OperationsReader } from '@ones-m365/shared/operations';
import { createRedisConnection } from '@ones-m365/shared/queue';
import { createSignInClient } from '@ones-m365/shared/sso';
import { formatStreamKey, requestSync } from '@ones-m365/shared/sync';
import type { SeedSpec } from '@ones-m365/graph-simulator';
import { testEnv } from './env.js';
import { TEST_REDIS } from './services.js';
import { startSyncHarness, type SyncHarness } from './sync-harness.js';

export interface BookingHarness {
  s: SyncHarness;
  api: RunningApi;
  call(path: string, init?: { method?: string; json?: unknown }): Promise<{ status: number; body: any }>;
  /** The integration's path under /api/v1. */
  base: string;
  rooms(): Promise<RoomEntity[]>;
  /** A delta run of the room's calendar, and waits until the calendars queue is idle. */
  syncRoom(roomId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startBookingHarness(seed: SeedSpec): Promise<BookingHarness> {
  const s = await startSyncHarness({ seed });
  s.startWorkers({ calendarConcurrency: 4 });
  const config = loadApiConfig(
    testEnv({ DATABASE_URL: s.db.url, QUEUE_PREFIX: s.queuePrefix, ENCRYPTION_KEY: s.encryptionKey }),
  );
  const redis = createRedisConnection(TEST_REDIS, 'producer');
  const { SecretBox } = await import('@ones-m365/shared/crypto');
  const secretBox = new SecretBox(config.encryptionKey);
  const api = await startApiProcess(
    {
      config,
      logger: silentLogger(),
      db: s.db.ds,
      redis,
      producer: s.producer,
      metrics: createMetrics(s.producer, {
        db: s.db.ds,
        redis,
        secretBox,
        reader: new OperationsReader(redis, s.prefix),
      }),
      graph: createGraphClient({ retryDelaySeconds: 0.05, maxRetryAfterMs: 0 }),
      signIn: createSignInClient(),
      secretBox,
    },
    0,
    '127.0.0.1',
  );
  const url = `http://127.0.0.1:${api.port}/api/v1`;
  const base = `/integrations/${s.integration.id}`;
  await requestSync(s, { integrationId: s.integration.id, stream: 'rooms', mode: 'full', trigger: 'api' });
  await requestSync(s, { integrationId: s.integration.id, stream: 'users', mode: 'full', trigger: 'api' });
  await s.idle();
  return {
    s,
    api,
    base,
    async call(path, init = {}) {
      const res = await fetch(url + path, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: { authorization: `Bearer ${config.apiToken}`, 'content-type': 'application/json' },
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    rooms: async () => (await new RoomRepository(s.db.ds).list(s.integration.id, { limit: 500, active: true })).items,
    async syncRoom(roomId) {
      await requestSync(s, {
        integrationId: s.integration.id,
        stream: formatStreamKey({ kind: 'calendar', roomId }),
        mode: 'delta',
        trigger: 'api',
      });
      await s.idle();
    },
    async close() {
      await api.close();
      redis.disconnect();
      await s.close();
    },
  };
}
