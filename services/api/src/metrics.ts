/**
 * Prometheus metrics on a registry of our own (not prom-client's global), so several apps can
 * live in one process (tests, the all-in-one launcher).
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Producer } from '@ones-m365/shared/queue';
import { registerQueueGauges } from './queue-metrics.js';
import { registerOperationsMetrics, type OperationsMetricsDeps } from './operations-metrics.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  webhookNotifications: Counter<'outcome'>;
}

export function createMetrics(producer?: Producer, operations?: OperationsMetricsDeps): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ones_m365_' });
  const httpDuration = new Histogram({
    name: 'ones_m365_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const webhookNotifications = new Counter({
    name: 'ones_m365_webhook_notifications_total',
    help: 'Graph change notifications received, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  if (producer) registerQueueGauges(registry, producer);
  if (operations) registerOperationsMetrics(registry, operations);
  return { registry, httpDuration, webhookNotifications };
}
