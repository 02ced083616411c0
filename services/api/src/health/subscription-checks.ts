/** The subscriptions, throttling and confirmation checks of an integration's health. */
import { FALLBACK_PREFIX } from '@ones-m365/shared/subscriptions';
import { stamp, type HealthCheck, type HealthFacts } from './health-types.js';

const DAY_MS = 86_400_000;
/** Subscriptions are renewed 12 h before expiry: one with less than 6 h left missed its renewals. */
const OVERDUE_MS = 6 * 3600_000;

export function subscriptionsCheck(facts: HealthFacts): HealthCheck {
  const check = (status: HealthCheck['status'], message: string): HealthCheck => ({
    name: 'subscriptions',
    status,
    message,
  });
  const { integration, now } = facts;
  if (integration.status !== 'enabled') return check('ok', `None needed: the integration is ${integration.status}.`);
  if (integration.syncMode === 'polling')
    return check('ok', `Polling every ${integration.pollIntervalSeconds} s by setting; no change notifications.`);
  if (integration.statusReason?.startsWith(FALLBACK_PREFIX)) {
    return check('warning', `${integration.statusReason} Fix the cause, then POST …/enable to subscribe again.`);
  }
  const subs = facts.subscriptions;
  if (!subs.length)
    return check(
      'warning',
      'No subscription yet: the subscriptions job creates it; if this stays, see the subscriptions queue in Bull Board.',
    );
  const expired = subs.filter((s) => s.expiresAt.getTime() <= now.getTime());
  if (expired.length)
    return check(
      'failing',
      `${expired.length} of ${subs.length} expired (${stamp(expired[0]!.expiresAt)}): Graph sends no notifications (the safety-net delta still runs). POST …/enable re-creates them.`,
    );
  const overdue = subs.filter((s) => s.expiresAt.getTime() - now.getTime() < OVERDUE_MS);
  if (overdue.length)
    return check(
      'warning',
      `${overdue.length} of ${subs.length} expire within 6 h and were not renewed: check the worker and the subscriptions queue (Bull Board).`,
    );
  const flagged = subs.filter((s) => s.status !== 'active');
  if (flagged.length)
    return check(
      'warning',
      `${flagged.length} of ${subs.length} waiting for renewal after a lifecycle event; the next reconcile renews them.`,
    );
  const withinDay = subs.filter((s) => s.expiresAt.getTime() - now.getTime() < DAY_MS).length;
  const next = subs.reduce((min, s) => (s.expiresAt < min ? s.expiresAt : min), subs[0]!.expiresAt);
  return check(
    'ok',
    `${subs.length} active, ${withinDay} expiring within a day (renewed automatically); next expiry ${stamp(next)}.`,
  );
}

export function throttlingCheck(facts: HealthFacts): HealthCheck {
  const n = facts.throttledLastHour;
  if (n === 0)
    return {
      name: 'throttling',
      status: 'ok',
      message: 'No request was throttled by Microsoft Graph in the last hour.',
    };
  return {
    name: 'throttling',
    status: 'warning',
    message: `Microsoft Graph throttled ${n} request${n === 1 ? '' : 's'} (HTTP 429) in the last hour; syncs wait out Retry-After and resume by themselves. If it persists, another app may be using this tenant's limits.`,
  };
}

/** Runs the mass-deactivation guard stopped, unless their stream synced successfully since. */
export function confirmationCheck(facts: HealthFacts): HealthCheck {
  const pending = facts.waitingConfirmation.filter((run) => {
    const stream = facts.streams.find((s) => s.stream === run.stream);
    return !stream?.lastSuccessAt || stream.lastSuccessAt < run.startedAt;
  });
  if (!pending.length) return { name: 'confirmation', status: 'ok', message: 'No run is waiting for a confirmation.' };
  const run = pending[0]!;
  return {
    name: 'confirmation',
    status: 'warning',
    message: `Run ${run.id} (${run.stream}) stopped before deactivating more users than the threshold allows (GET …/sync-runs shows how many). If the tenant is right, POST /api/v1/integrations/${facts.integration.id}/sync-runs/${run.id}/confirm; otherwise fix the tenant.`,
  };
}
