/**
 * Validates the environment once, at start, and returns a frozen, typed, nested config.
 * Pure: tests pass their own env objects. Only `main.ts` files call it with `process.env`.
 */
import { z } from 'zod';
import { apiEnvShape, workerEnvShape, type CalendarSettings } from './env.schema.js';
import { redisKeyPrefix, type RedisTarget } from './redis-target.js';

export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.variable} ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export interface CommonConfig {
  env: 'development' | 'production' | 'test';
  log: { level: string; format: 'json' | 'pretty' };
  port: number;
  publicBaseUrl: string;
  databaseUrl: string;
  /** REDIS_CLUSTER_NODES when set, else REDIS_URL. */
  redis: RedisTarget;
  /** `{QUEUE_PREFIX}`: every key and channel the service writes starts with it (redis-target.ts). */
  keyPrefix: string;
  encryptionKey: Buffer;
  allowCustomEndpoints: boolean;
  /** EVENTS_WEBHOOK_URL and its secret; null: events are only read through GET /events. */
  eventsWebhook: { url: string; secret: string } | null;
}

export interface ApiConfig extends CommonConfig {
  apiToken: string;
  dashboard: { user: string; password: string };
  bodyLimit: string;
}

export interface WorkerConfig extends CommonConfig {
  concurrency: number;
  /** Port of the worker's /healthz and /readyz (WORKER_HEALTH_PORT). */
  healthPort: number;
  /** BullMQ job lock and the sync streams' lease (WORKER_LOCK_DURATION_MS). */
  lockDurationMs: number;
  /** Delta interval of webhook-mode integrations (SAFETY_NET_POLL_SECONDS). */
  safetyNetSeconds: number;
  /** CALENDAR_WINDOW_DAYS and CALENDAR_CONCURRENCY. */
  calendar: CalendarSettings;
}

function parse<S extends z.ZodRawShape>(shape: S, env: Env): z.infer<z.ZodObject<S>> {
  // Empty strings count as unset, as most deployment tools write them for "no value".
  const cleaned: Env = {};
  for (const key of Object.keys(shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') cleaned[key] = v;
  }
  const result = z.object(shape).safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({
        variable: String(i.path[0] ?? '?'),
        message: i.code === 'invalid_type' && cleaned[String(i.path[0])] === undefined ? 'is required' : i.message,
      })),
    );
  }
  return result.data;
}

function common(
  v: z.infer<z.ZodObject<typeof workerEnvShape>> | z.infer<z.ZodObject<typeof apiEnvShape>>,
): CommonConfig {
  if (v.EVENTS_WEBHOOK_URL && !v.EVENTS_WEBHOOK_SECRET)
    throw new ConfigError([
      {
        variable: 'EVENTS_WEBHOOK_SECRET',
        message: 'is required when EVENTS_WEBHOOK_URL is set (at least 32 characters)',
      },
    ]);
  return {
    env: v.NODE_ENV,
    log: { level: v.LOG_LEVEL, format: v.LOG_FORMAT ?? (v.NODE_ENV === 'production' ? 'json' : 'pretty') },
    port: v.PORT,
    publicBaseUrl: (v.PUBLIC_BASE_URL ?? `http://127.0.0.1:${v.PORT}`).replace(/\/+$/, ''),
    databaseUrl: v.DATABASE_URL,
    redis: v.REDIS_CLUSTER_NODES ?? { kind: 'server', url: v.REDIS_URL },
    keyPrefix: redisKeyPrefix(v.QUEUE_PREFIX),
    encryptionKey: Buffer.from(v.ENCRYPTION_KEY, 'base64'),
    allowCustomEndpoints: v.ALLOW_CUSTOM_ENDPOINTS,
    eventsWebhook:
      v.EVENTS_WEBHOOK_URL && v.EVENTS_WEBHOOK_SECRET
        ? { url: v.EVENTS_WEBHOOK_URL, secret: v.EVENTS_WEBHOOK_SECRET }
        : null,
  };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Buffer.isBuffer(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export function loadApiConfig(env: Env): ApiConfig {
  const v = parse(apiEnvShape, env);
  return deepFreeze({
    ...common(v),
    apiToken: v.API_TOKEN,
    dashboard: { user: v.DASHBOARD_USER, password: v.DASHBOARD_PASSWORD },
    bodyLimit: v.BODY_LIMIT,
  });
}

export function loadWorkerConfig(env: Env): WorkerConfig {
  const v = parse(workerEnvShape, env);
  return deepFreeze({
    ...common(v),
    concurrency: v.WORKER_CONCURRENCY,
    healthPort: v.WORKER_HEALTH_PORT,
    lockDurationMs: v.WORKER_LOCK_DURATION_MS,
    safetyNetSeconds: v.SAFETY_NET_POLL_SECONDS,
    calendar: { windowDays: v.CALENDAR_WINDOW_DAYS, concurrency: v.CALENDAR_CONCURRENCY },
  });
}

/**
 * For `main.ts` files: the config, or one line on stderr naming what is wrong and exit code 1.
 */
export function configOrExit<C>(load: () => C): C {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
