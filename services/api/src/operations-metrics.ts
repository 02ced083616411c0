/**
 * The operational gauges and counters of /metrics (contract.md, "Health"), read at scrape time
 * from what the service records: the database (integrations, sync runs, subscriptions) and the
 * Redis records every api and worker process writes (Graph requests, throttling, token results,
 * job failures, sync run results), so one scrape of any api process sees the whole deployment.
 * Labels are bounded: integration ids, stream kinds, statuses, queues, failure reasons.
 * A source that does not answer leaves its series empty (and `ones_m365_ready` says which).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisClient } from '@ones-m365/shared/queue';
import type { DataSource } from 'typeorm';
import type { SecretBox } from '@ones-m365/shared/crypto';
import {
  EventDeliveryRepository,
  IntegrationRepository,
  OperationsSummaryRepository,
  pingDatabase,
  type IntegrationEntity,
} from '@ones-m365/shared/db';
import { connectionFingerprint } from '@ones-m365/shared/graph';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import { COUNTERS, streamKind, type CounterName, type OperationsReader } from '@ones-m365/shared/operations';
import { FALLBACK_PREFIX } from '@ones-m365/shared/subscriptions';

export interface OperationsMetricsDeps {
  db: DataSource;
  redis: RedisClient;
  reader: OperationsReader;
  secretBox: SecretBox;
}

const seconds = (d: Date) => d.getTime() / 1000;

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)));
  return await Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** One read shared by every gauge of a scrape (they are collected together). */
function sharedFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (!cached || Date.now() - cached.at > ms) cached = { at: Date.now(), value: read() };
    return cached.value;
  };
}

/** A gauge read at scrape time; when its source fails, it shows no series rather than failing the scrape. */
function liveGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: (g: Gauge<L>) => Promise<void>,
): void {
  new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      await read(this).catch(() => this.reset());
    },
  });
}

/** A counter kept in Redis: its value there is the total across every process. */
function redisCounter(
  registry: Registry,
  deps: OperationsMetricsDeps,
  counter: CounterName,
  name: string,
  help: string,
): void {
  new Counter({
    name,
    help,
    labelNames: COUNTERS[counter],
    registers: [registry],
    async collect() {
      this.reset();
      const samples = await within(2000, deps.reader.counters()).catch(() => []);
      for (const s of samples) if (s.name === counter) this.inc(s.labels, s.value);
    },
  });
}

function integrationGauges(
  registry: Registry,
  deps: OperationsMetricsDeps,
  list: () => Promise<IntegrationEntity[]>,
): void {
  liveGauge(registry, 'ones_m365_integrations', 'Integrations by status', ['status'] as const, async (g) => {
    for (const i of await list()) g.inc({ status: i.status });
  });
  liveGauge(
    registry,
    'ones_m365_client_secret_expiry_timestamp_seconds',
    "When each integration's client secret expires (as entered)",
    ['integration'] as const,
    async (g) => {
      for (const i of await list())
        if (i.clientSecretExpiresAt) g.set({ integration: i.id }, seconds(i.clientSecretExpiresAt));
    },
  );
  liveGauge(
    registry,
    'ones_m365_subscriptions_fallback',
    '1 when an enabled webhook-mode integration fell back to polling',
    ['integration'] as const,
    async (g) => {
      for (const i of await list())
        if (i.status === 'enabled') g.set({ integration: i.id }, i.statusReason?.startsWith(FALLBACK_PREFIX) ? 1 : 0);
    },
  );
  liveGauge(
    registry,
    'ones_m365_credentials_failing',
    '1 when the last token request with the current credentials failed, by reason',
    ['integration', 'reason'] as const,
    async (g) => {
      const all = await list();
      const tokens = await Promise.all(all.map((i) => deps.reader.lastToken(i.id)));
      all.forEach((i, n) => {
        const token = tokens[n];
        if (!token || token.ok || token.fingerprint !== connectionFingerprint(toGraphConnection(i, deps.secretBox)))
          return;
        g.set({ integration: i.id, reason: token.code }, 1);
      });
    },
  );
}

function recordGauges(registry: Registry, deps: OperationsMetricsDeps, enabledIds: () => Promise<Set<string>>): void {
  const summary = new OperationsSummaryRepository(deps.db);
  liveGauge(
    registry,
    'ones_m365_stream_last_success_timestamp_seconds',
    "Last successful sync of each enabled integration's stream kind (its oldest stream)",
    ['integration', 'stream'] as const,
    async (g) => {
      const enabled = await enabledIds();
      const oldest = new Map<string, number>();
      for (const r of await summary.lastSuccessByStream()) {
        if (!enabled.has(r.integrationId)) continue;
        const key = `${r.integrationId}|${streamKind(r.stream)}`;
        oldest.set(key, Math.min(oldest.get(key) ?? Infinity, seconds(r.at)));
      }
      for (const [key, at] of oldest) {
        const [integration, stream] = key.split('|') as [string, string];
        g.set({ integration, stream }, at);
      }
    },
  );
  liveGauge(
    registry,
    'ones_m365_subscription_expiry_timestamp_seconds',
    "Earliest expiry of each integration's Graph subscriptions, by stream kind",
    ['integration', 'stream'] as const,
    async (g) => {
      const earliest = new Map<string, number>();
      for (const s of await summary.subscriptionExpiries()) {
        const key = `${s.integrationId}|${streamKind(s.stream)}`;
        earliest.set(key, Math.min(earliest.get(key) ?? Infinity, seconds(s.expiresAt)));
      }
      for (const [key, at] of earliest) {
        const [integration, stream] = key.split('|') as [string, string];
        g.set({ integration, stream }, at);
      }
    },
  );
}

/** Event delivery, by integration: what was given up on, and whether delivery fails now. */
function eventGauges(registry: Registry, deps: OperationsMetricsDeps): void {
  const deliveries = new EventDeliveryRepository(deps.db);
  const list = sharedFor(1000, () => within(2000, deliveries.list()));
  liveGauge(
    registry,
    'ones_m365_events_given_up',
    'Events given up on after 24 hours of failed deliveries (readable through GET /events), by integration',
    ['integration'] as const,
    async (g) => {
      for (const d of await list()) g.set({ integration: d.integrationId }, d.givenUpTotal);
    },
  );
  liveGauge(
    registry,
    'ones_m365_events_delivery_failing',
    "1 while the deliveries of an integration's events to EVENTS_WEBHOOK_URL fail (retrying with backoff)",
    ['integration'] as const,
    async (g) => {
      for (const d of await list()) g.set({ integration: d.integrationId }, d.attempts > 0 ? 1 : 0);
    },
  );
}

export function registerOperationsMetrics(registry: Registry, deps: OperationsMetricsDeps): void {
  eventGauges(registry, deps);
  const integrations = new IntegrationRepository(deps.db);
  const list = sharedFor(1000, () => within(2000, integrations.list()));
  integrationGauges(registry, deps, list);
  recordGauges(
    registry,
    deps,
    async () => new Set((await list()).filter((i) => i.status === 'enabled').map((i) => i.id)),
  );
  redisCounter(
    registry,
    deps,
    'graph_requests',
    'ones_m365_graph_requests_total',
    'HTTP requests to Microsoft Graph (retries included), by integration',
  );
  redisCounter(
    registry,
    deps,
    'graph_throttled',
    'ones_m365_graph_throttled_total',
    'Throttled answers (429) from Microsoft Graph, by integration',
  );
  redisCounter(
    registry,
    deps,
    'job_failures',
    'ones_m365_job_failures_total',
    'Failed job attempts by queue; final="true" when no retry follows',
  );
  redisCounter(
    registry,
    deps,
    'sync_runs',
    'ones_m365_sync_runs_total',
    'Finished sync runs by integration, stream kind and result',
  );
  liveGauge(
    registry,
    'ones_m365_ready',
    '1 when the dependency answers this api process (as /readyz)',
    ['dependency'] as const,
    async (g) => {
      const [database, redis] = await Promise.all(
        [within(2000, pingDatabase(deps.db)), within(2000, deps.redis.ping())].map((p) =>
          p.then(
            () => 1,
            () => 0,
          ),
        ),
      );
      g.set({ dependency: 'database' }, database!);
      g.set({ dependency: 'redis' }, redis!);
    },
  );
}
