/** An integration's health: named checks computed from recorded facts, and the worst of them. */
import { credentialsCheck } from './credentials-check.js';
import { eventsCheck } from './events-check.js';
import { worst, type HealthFacts, type IntegrationHealth } from './health-types.js';
import { streamChecks } from './stream-checks.js';
import { confirmationCheck, subscriptionsCheck, throttlingCheck } from './subscription-checks.js';

export function integrationHealth(facts: HealthFacts): IntegrationHealth {
  const checks = [
    credentialsCheck(facts),
    ...streamChecks(facts),
    subscriptionsCheck(facts),
    throttlingCheck(facts),
    confirmationCheck(facts),
    eventsCheck(facts),
  ];
  return { status: worst(checks.map((c) => c.status)), checks };
}
