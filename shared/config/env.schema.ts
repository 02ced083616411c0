/**
 * The environment, as one zod schema per process (contract.md, "Environment").
 * Each variable has a description; `sensitive` ones are never printed.
 */
import { z } from 'zod';
import { parseClusterNodes } from './redis-target.js';

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0..65535')
  .max(65535, 'must be 0..65535');

const databaseUrl = z.string().refine((v) => /^mysql:\/\/.+/.test(v) || /^sqlite:.+/.test(v), {
  message: 'must be mysql://user:pass@host:port/db or sqlite:path',
});

const redisUrl = z
  .string()
  .refine((v) => /^rediss?:\/\/.+/.test(v), { message: 'must be a redis:// or rediss:// URL' });

const clusterNodes = z.string().transform((v, ctx) => {
  const r = parseClusterNodes(v);
  if (r.ok) return r.value;
  ctx.addIssue({ code: 'custom', message: r.message });
  return z.NEVER;
});

const encryptionKey = z.string().refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/=]+$/.test(v), {
  message: 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
});

const token = z.string().min(16, 'must be at least 16 characters');

/**
 * Webhook-mode integrations still run delta this often: a notification Graph dropped, or one owed
 * by an api process that crashed, shows within this. A delta with nothing new is one request.
 */
export const DEFAULT_SAFETY_NET_POLL_SECONDS = 900;
export const DEFAULT_WORKER_LOCK_DURATION_MS = 30_000;

/** Room calendars: the mirrored window (days back, days ahead) and the calendar jobs a worker runs at once. */
export interface CalendarSettings {
  windowDays: { past: number; future: number };
  concurrency: number;
}
export const DEFAULT_CALENDAR: CalendarSettings = { windowDays: { past: 1, future: 180 }, concurrency: 2 };

/** `past,future` in whole days: `1,180`. */
const calendarWindow = z
  .string()
  .regex(/^\s*\d{1,4}\s*,\s*\d{1,4}\s*$/, 'must be two whole numbers of days, past,future (e.g. 1,180)')
  .transform((v) => {
    const [past, future] = v.split(',').map((n) => Number(n.trim())) as [number, number];
    return { past, future };
  })
  .refine(
    (w) => w.past <= 365 && w.future >= 1 && w.future <= 1825,
    'must be at most 365 days back and 1-1825 days ahead',
  );

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Where events are POSTed: https, or http on this machine only (tests, a receiver beside the service). */
const webhookUrl = z.url({ message: 'must be an absolute https URL' }).refine(
  (v) => {
    const u = new URL(v);
    return (
      u.protocol === 'https:' ||
      (u.protocol === 'http:' && (LOCAL_HOSTS.has(u.hostname) || u.hostname.endsWith('.localhost')))
    );
  },
  { message: 'must be an https URL (http only on localhost or 127.0.0.1)' },
);

/** Variables every process reads. */
export const commonEnvShape = {
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .describe('Node environment; production logs JSON'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info')
    .describe('winston level'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional().describe('json in production, pretty otherwise'),
  PORT: port.default(3000).describe('api port'),
  PUBLIC_BASE_URL: z
    .url({ message: 'must be an absolute http(s) URL' })
    .optional()
    .describe('how Graph and browsers reach the api'),
  DATABASE_URL: databaseUrl.default('sqlite:./data/ones-m365.sqlite').describe('mysql://… or sqlite:path'),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379').describe('Redis for BullMQ'),
  REDIS_CLUSTER_NODES: clusterNodes
    .optional()
    .describe('host:port,… of a Redis Cluster; when set, REDIS_URL is not used'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of letters, digits, _ . : -')
    .default('ones-m365')
    .describe('BullMQ key prefix (the keys start with it in braces, a Redis Cluster hash tag)'),
  ENCRYPTION_KEY: encryptionKey.describe('AES-256-GCM key for client secrets'),
  ALLOW_CUSTOM_ENDPOINTS: booleanString.default(false).describe('let integrations name their own login/Graph hosts'),
  EVENTS_WEBHOOK_URL: webhookUrl.optional().describe('where ONES receives the events (unset: GET /events only)'),
  EVENTS_WEBHOOK_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('HMAC-SHA256 key of the events signature'),
} as const;

export const apiEnvShape = {
  ...commonEnvShape,
  API_TOKEN: token.describe('bearer token for /api/v1'),
  DASHBOARD_USER: z.string().min(1, 'must not be empty').describe('basic-auth user for /admin/queues'),
  DASHBOARD_PASSWORD: token.describe('basic-auth password for /admin/queues'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must be like 1mb or 512kb')
    .default('1mb')
    .describe('largest JSON body'),
} as const;

export const DEFAULT_WORKER_HEALTH_PORT = 3100;

export const workerEnvShape = {
  ...commonEnvShape,
  WORKER_HEALTH_PORT: port
    .default(DEFAULT_WORKER_HEALTH_PORT)
    .describe("the worker's /healthz and /readyz, for probes"),
  WORKER_CONCURRENCY: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('jobs per queue at once'),
  WORKER_LOCK_DURATION_MS: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(1000, 'must be at least 1000')
    .max(600_000, 'must be at most 600000')
    .default(DEFAULT_WORKER_LOCK_DURATION_MS)
    .describe("job lock and sync-stream lease: how soon a killed worker's runs are picked up again"),
  SAFETY_NET_POLL_SECONDS: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(60, 'must be at least 60')
    .max(86_400, 'must be at most 86400')
    .default(DEFAULT_SAFETY_NET_POLL_SECONDS)
    .describe('delta interval of webhook-mode integrations, catching notifications Graph dropped'),
  CALENDAR_WINDOW_DAYS: calendarWindow
    .default(DEFAULT_CALENDAR.windowDays)
    .describe('mirrored window of room calendars: days back, days ahead'),
  CALENDAR_CONCURRENCY: z.coerce
    .number({ message: 'must be a number' })
    .int()
    .min(1)
    .max(16)
    .default(DEFAULT_CALENDAR.concurrency)
    .describe(
      "room calendars a worker reads from Graph at once (their own queue; twice as many jobs run, so one room's page is written while the next is read)",
    ),
} as const;

/** Names whose values must never be printed, logged or returned. */
export const SENSITIVE_ENV = new Set([
  'API_TOKEN',
  'DASHBOARD_PASSWORD',
  'ENCRYPTION_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'EVENTS_WEBHOOK_SECRET',
]);
