/** The events check of an integration's health: is ONES getting its events, and what was given up on. */
import { EVENT_RETENTION_DAYS } from '@ones-m365/shared/events';
import { ago, stamp, type HealthCheck, type HealthFacts } from './health-types.js';

export function eventsCheck(facts: HealthFacts): HealthCheck {
  const check = (status: HealthCheck['status'], message: string): HealthCheck => ({ name: 'events', status, message });
  const { events, now, integration } = facts;
  if (!events.webhook)
    return check('ok', 'Not pushed (EVENTS_WEBHOOK_URL is not set): ONES reads them with GET /api/v1/events.');
  const d = events.delivery;
  if (!d) return check('ok', 'No event to deliver yet.');
  const replay = (after: string | null) =>
    `GET /api/v1/events?integrationId=${integration.id}${after ? `&after=${after}` : ''}`;
  const givenUp =
    d.givenUpAt && now.getTime() - d.givenUpAt.getTime() < EVENT_RETENTION_DAYS * 86_400_000
      ? `${d.givenUpCount} event(s) given up ${ago(d.givenUpAt, now)} after 24 h of failed deliveries: ONES reads them with ${replay(d.givenUpAfter)}.`
      : null;
  if (d.attempts > 0 && d.failingSince) {
    const failing = `Delivery failing since ${stamp(d.failingSince)} (${d.attempts} attempt(s); last: ${d.lastError ?? 'unknown'}); next attempt ${d.nextAttemptAt ? stamp(d.nextAttemptAt) : 'soon'}, ${events.pending} event(s) waiting. Check that the receiver at EVENTS_WEBHOOK_URL answers 2xx within 10 s.`;
    const givenUpNow = givenUp && d.givenUpAt! >= d.failingSince;
    return check(givenUpNow ? 'failing' : 'warning', givenUpNow ? `${failing} ${givenUp}` : failing);
  }
  if (givenUp) return check('warning', `Delivering again, but ${givenUp}`);
  const last = d.lastDeliveredAt ? `, the last ${ago(d.lastDeliveredAt, now)}` : '';
  return check('ok', `Delivered: ${d.deliveredTotal} event(s)${last}; ${events.pending} waiting.`);
}
