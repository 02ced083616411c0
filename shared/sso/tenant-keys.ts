/**
 * The tenant's published signing keys, found through its OpenID Connect discovery document
 * (`{authority}/v2.0/.well-known/openid-configuration` → `jwks_uri`), and the issuer that
 * document names. Both are cached per authority for an hour; jose's remote key set refetches by
 * itself when a token names a key it does not know (Microsoft rolls its keys).
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { CLOUDS, type ResolvedCloud } from '../graph/index.js';

export interface TenantKeys {
  /** The issuer the tenant's discovery names, e.g. `https://login.microsoftonline.com/{guid}/v2.0`. */
  issuer: string;
  /** The tenant GUID inside that issuer. */
  tenantGuid: string;
  keys: JWTVerifyGetKey;
}

export type DiscoveryFetch = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

const CACHE_MS = 3_600_000;
const ISSUER_TENANT = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/v2\.0$/i;

export class TenantKeysResolver {
  private readonly cache = new Map<string, { value: TenantKeys; until: number }>();

  constructor(
    private readonly fetchDoc: DiscoveryFetch = (url) => fetch(url, { signal: AbortSignal.timeout(6_000) }),
  ) {}

  async forCloud(resolved: ResolvedCloud): Promise<TenantKeys> {
    const hit = this.cache.get(resolved.authority);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await this.discover(resolved);
    this.cache.set(resolved.authority, { value, until: Date.now() + CACHE_MS });
    return value;
  }

  private async discover(resolved: ResolvedCloud): Promise<TenantKeys> {
    const res = await this.fetchDoc(`${resolved.authority}/v2.0/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`OpenID discovery answered HTTP ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    const issuer = typeof doc.issuer === 'string' ? doc.issuer : '';
    const tenantGuid = ISSUER_TENANT.exec(issuer)?.[1]?.toLowerCase();
    if (!tenantGuid || issuer !== expectedIssuer(resolved, tenantGuid))
      throw new Error('OpenID discovery names an unexpected issuer');
    const jwksUri = typeof doc.jwks_uri === 'string' ? new URL(doc.jwks_uri) : null;
    if (!jwksUri || jwksUri.protocol !== 'https:') throw new Error('OpenID discovery names no https jwks_uri');
    return { issuer, tenantGuid, keys: createRemoteJWKSet(jwksUri, { timeoutDuration: 6_000 }) };
  }
}

/**
 * The `iss` of the cloud's ID tokens for a tenant: Microsoft's issuer host (China's differs from
 * its login host), or the custom login host itself.
 */
export function expectedIssuer(resolved: ResolvedCloud, tenantGuid: string): string {
  if (resolved.custom) {
    const loginBase = resolved.authority.slice(0, resolved.authority.lastIndexOf('/'));
    return `${loginBase}/${tenantGuid}/v2.0`;
  }
  return `https://${CLOUDS[resolved.cloud].idTokenIssuerHost}/${tenantGuid}/v2.0`;
}
