/**
 * The credentials check: the last token result with the current credentials (Microsoft's word)
 * and the client secret's expiry date (the admin's word), whichever is worse.
 */
import { AUTH_HINTS, ROTATE_SECRET_STEP, secretExpiry, secretExpiryReason } from '@ones-m365/shared/integrations';
import type { AuthFailureReason } from '@ones-m365/shared/graph';
import { stamp, worst, type HealthCheck, type HealthFacts, type HealthStatus } from './health-types.js';

function tokenPart(facts: HealthFacts): { status: HealthStatus; message: string } {
  const t = facts.token;
  if (!t)
    return {
      status: 'ok',
      message: 'No token has been requested with these credentials yet (POST …/test asks for one now).',
    };
  if (t.ok) return { status: 'ok', message: `A token was issued at ${stamp(t.at)}.` };
  if (t.code === 'expired_secret') {
    return {
      status: 'failing',
      message: `Microsoft refused the client secret as expired (AADSTS7000222) at ${stamp(t.at)}; nothing syncs until it is rotated. ${ROTATE_SECRET_STEP}.`,
    };
  }
  if (!t.retryable) {
    const hint = AUTH_HINTS[t.code as AuthFailureReason] ?? 'Run POST …/test for the portal step that fixes it.';
    return { status: 'failing', message: `The last token request failed at ${stamp(t.at)}: ${t.message}. ${hint}` };
  }
  return {
    status: 'warning',
    message: `The last token request failed at ${stamp(t.at)} (${t.message}); it is retried automatically.`,
  };
}

function expiryPart(facts: HealthFacts): { status: HealthStatus; message: string } {
  const expiresAt = facts.integration.clientSecretExpiresAt;
  const e = secretExpiry(expiresAt, facts.now);
  if (e.level === 'unknown')
    return {
      status: 'ok',
      message: "The secret's expiry is not recorded: PATCH clientSecretExpiresAt to be warned 30 days ahead.",
    };
  if (e.level === 'ok')
    return {
      status: 'ok',
      message: `The client secret expires on ${stamp(expiresAt!).slice(0, 10)} (in ${e.daysLeft} days).`,
    };
  return { status: e.level === 'expired' ? 'failing' : 'warning', message: secretExpiryReason(expiresAt, facts.now)! };
}

export function credentialsCheck(facts: HealthFacts): HealthCheck {
  const parts = [tokenPart(facts), expiryPart(facts)];
  return {
    name: 'credentials',
    status: worst(parts.map((p) => p.status)),
    message: parts.map((p) => p.message).join(' '),
  };
}
