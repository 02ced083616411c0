/**
 * The client secret's expiry, seen weeks ahead: warnings 30 and 7 days before the date the admin
 * entered (`clientSecretExpiresAt`), and the integration's status once the date is past or once
 * Microsoft answered AADSTS7000222 to a token request. A rotated secret clears both.
 */
const DAY_MS = 86_400_000;

export const SECRET_WARNING_DAYS = 30;
export const SECRET_URGENT_DAYS = 7;

export type SecretExpiryLevel = 'unknown' | 'ok' | 'warning' | 'urgent' | 'expired';

export interface SecretExpiry {
  level: SecretExpiryLevel;
  /** Whole days left (negative once past); null when no expiry was entered. */
  daysLeft: number | null;
}

export const ROTATE_SECRET_STEP =
  'Azure portal → Microsoft Entra ID → App registrations → your app → Certificates & secrets → New client secret; then PATCH /api/v1/integrations/{id} with {"clientSecret": "<its Value>", "clientSecretExpiresAt": "<its Expires date>"}';

/** Every status reason this module writes starts with this (and only those are cleared by a rotation). */
export const SECRET_REASON_PREFIX = 'Client secret:';

export function secretExpiry(expiresAt: Date | null, now: Date): SecretExpiry {
  if (!expiresAt) return { level: 'unknown', daysLeft: null };
  const leftMs = expiresAt.getTime() - now.getTime();
  const daysLeft = Math.floor(leftMs / DAY_MS);
  if (leftMs <= 0) return { level: 'expired', daysLeft };
  if (leftMs <= SECRET_URGENT_DAYS * DAY_MS) return { level: 'urgent', daysLeft };
  if (leftMs <= SECRET_WARNING_DAYS * DAY_MS) return { level: 'warning', daysLeft };
  return { level: 'ok', daysLeft };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The sentence an admin reads about the expiry date, or null when nothing is due within 30 days. */
export function secretExpiryReason(expiresAt: Date | null, now: Date): string | null {
  const e = secretExpiry(expiresAt, now);
  if (!expiresAt || e.level === 'ok' || e.level === 'unknown') return null;
  if (e.level === 'expired')
    return `${SECRET_REASON_PREFIX} expired on ${day(expiresAt)}; syncing stops until it is rotated. ${ROTATE_SECRET_STEP}.`;
  const when = e.daysLeft === 0 ? 'within a day' : `in ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'}`;
  return `${SECRET_REASON_PREFIX} expires on ${day(expiresAt)} (${when}). Rotate it before then: ${ROTATE_SECRET_STEP}.`;
}

/** What the integration's status says once Microsoft refused the secret as expired (AADSTS7000222). */
export const SECRET_REJECTED_REASON = `${SECRET_REASON_PREFIX} Microsoft answered that it has expired (AADSTS7000222); syncing stops until it is rotated. ${ROTATE_SECRET_STEP}.`;

export function isSecretReason(reason: string | null): boolean {
  return reason !== null && reason.startsWith(SECRET_REASON_PREFIX);
}

/** The status reason shown: the stored one, preceded by the expiry warning when one is due. */
export function shownStatusReason(stored: string | null, expiresAt: Date | null, now: Date): string | null {
  const expiry = isSecretReason(stored) ? null : secretExpiryReason(expiresAt, now);
  return [expiry, stored].filter((s): s is string => s !== null).join(' ') || null;
}
