/** The contract's health answer, and the facts it is computed from (no Graph call: what the service recorded). */
import type { EventDeliveryEntity, IntegrationEntity, StreamRunSummary } from '@ones-m365/shared/db';
import type { TokenRecord } from '@ones-m365/shared/operations';

export type HealthStatus = 'ok' | 'warning' | 'failing';

export interface HealthCheck {
  name: string;
  status: HealthStatus;
  message: string;
}

export interface IntegrationHealth {
  status: HealthStatus;
  checks: HealthCheck[];
}

export interface HealthFacts {
  now: Date;
  integration: Pick<
    IntegrationEntity,
    'id' | 'status' | 'syncMode' | 'pollIntervalSeconds' | 'statusReason' | 'clientSecretExpiresAt'
  >;
  /** The last token result with the integration's current credentials (null: none since they were set). */
  token: TokenRecord | null;
  /** Stream kinds every enabled integration syncs; kinds seen in its runs are added to them. */
  expectedStreamKinds: readonly string[];
  streams: StreamRunSummary[];
  /** Interval of the integration's delta schedule, null when none is in Redis. */
  scheduleEverySeconds: number | null;
  subscriptions: { stream: string; status: string; expiresAt: Date }[];
  throttledLastHour: number;
  waitingConfirmation: { id: string; stream: string; startedAt: Date }[];
  /** Whether EVENTS_WEBHOOK_URL is set, the integration's delivery state, and its published events not yet acknowledged. */
  events: { webhook: boolean; delivery: EventDeliveryEntity | null; pending: number };
}

const RANK: Record<HealthStatus, number> = { ok: 0, warning: 1, failing: 2 };

export function worst(statuses: HealthStatus[]): HealthStatus {
  return statuses.reduce<HealthStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'ok');
}

/** "3 min ago", "5 h ago", "2 days ago". */
export function ago(then: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

export const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
