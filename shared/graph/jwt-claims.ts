/**
 * Reads the claims of an access token without verifying it: the token came straight from the
 * login host over TLS and is only inspected to report which application permissions (`roles`)
 * the tenant granted. Never log the token itself.
 */
export interface AccessTokenClaims {
  roles: string[];
  tenantId: string | null;
  appId: string | null;
  audience: string | null;
  /** False when the token is not a readable JWT (then `roles` is empty but unknown). */
  decoded: boolean;
}

export function readAccessTokenClaims(token: string): AccessTokenClaims {
  const payload = decodePayload(token);
  if (!payload) return { roles: [], tenantId: null, appId: null, audience: null, decoded: false };
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    roles,
    tenantId: str(payload.tid),
    appId: str(payload.appid) ?? str(payload.azp),
    audience: str(payload.aud),
    decoded: true,
  };
}

function decodePayload(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
