/** All tenants this simulator hosts, found by id or verified domain. */
import type { Tenant } from './tenant.js';

export class TenantRegistry {
  private readonly byId = new Map<string, Tenant>();

  add(t: Tenant): void {
    this.byId.set(t.id.toLowerCase(), t);
  }

  find(idOrDomain: string): Tenant | undefined {
    const k = idOrDomain.toLowerCase();
    const hit = this.byId.get(k);
    if (hit) return hit;
    for (const t of this.byId.values()) if (t.domain === k) return t;
    return undefined;
  }

  all(): Tenant[] {
    return [...this.byId.values()];
  }
}
