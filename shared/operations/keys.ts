import { assertKeyPrefix } from '../config/index.js';
import { parseStreamKey } from '../sync/stream-key.js';

/**
 * Redis keys of the service's operational records (counters for /metrics, throttling per minute
 * and the last token result for health), under the queue prefix like every other key, so a
 * prefix isolates a deployment (or a test run). Each operation touches one key, or (a pipeline)
 * keys of the one hash-tagged prefix, so one slot on a Redis Cluster.
 */
export function operationsKeys(prefix: string) {
  const base = `${assertKeyPrefix(prefix)}:ops`;
  return {
    /** One hash of every counter: `<counter>|<label>|…` → count. */
    counters: `${base}:counters`,
    /** Per integration: minute (epoch minutes) → throttled answers in that minute. */
    throttled: (integrationId: string) => `${base}:throttled:${integrationId}`,
    /** Per integration: the last token request's outcome. */
    token: (integrationId: string) => `${base}:token:${integrationId}`,
  };
}

/** Counter names and their label names, in the order they are joined in the hash field. */
export const COUNTERS = {
  graph_requests: ['integration'],
  graph_throttled: ['integration'],
  job_failures: ['queue', 'final'],
  sync_runs: ['integration', 'stream', 'status'],
} as const;

export type CounterName = keyof typeof COUNTERS;

export const counterField = (name: CounterName, labels: string[]) => [name, ...labels].join('|');

const INTEGRATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Saved integrations have UUIDs; "Test settings" of unsaved values runs under throwaway ids. */
export function isIntegrationId(connectionId: string): boolean {
  return INTEGRATION_ID.test(connectionId);
}

/** A bounded label: the integration id, or `unsaved` for every throwaway connection. */
export function integrationLabel(connectionId: string): string {
  return isIntegrationId(connectionId) ? connectionId : 'unsaved';
}

/** A stream's kind as a bounded label (`users`, `rooms`, `calendar:<roomId>` → `calendar`). */
export function streamKind(stream: string): string {
  return parseStreamKey(stream)?.kind ?? 'unknown';
}

export const epochMinute = (d: Date) => Math.floor(d.getTime() / 60_000);
