/** Directory JSON → GraphUser / GraphGroup. */
import type { GraphGroup, GraphUser } from './graph-types.js';
import { bool, obj, str, strings, type Json } from './map-util.js';

const USER_FIELDS = new Set([
  'id',
  'userPrincipalName',
  'mail',
  'displayName',
  'givenName',
  'surname',
  'accountEnabled',
  'employeeId',
  'onPremisesExtensionAttributes',
]);

export function mapUser(raw: Json): GraphUser | null {
  const id = str(raw.id);
  if (!id) return null;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (USER_FIELDS.has(key) || key.startsWith('@') || key.includes('@odata.')) continue;
    extra[key] = value;
  }
  return {
    id,
    userPrincipalName: str(raw.userPrincipalName),
    mail: str(raw.mail),
    displayName: str(raw.displayName),
    givenName: str(raw.givenName),
    surname: str(raw.surname),
    accountEnabled: bool(raw.accountEnabled),
    employeeId: str(raw.employeeId),
    onPremisesExtensionAttributes: mapExtensionAttributes(raw.onPremisesExtensionAttributes),
    extra,
  };
}

function mapExtensionAttributes(v: unknown): Record<string, string | null> | null {
  const o = obj(v);
  if (!o) return null;
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(o)) {
    if (/^extensionAttribute\d+$/.test(key)) out[key] = str(value);
  }
  return out;
}

export function mapGroup(raw: Json): GraphGroup | null {
  const id = str(raw.id);
  if (!id) return null;
  return {
    id,
    displayName: str(raw.displayName),
    description: str(raw.description),
    mail: str(raw.mail),
    mailEnabled: bool(raw.mailEnabled),
    securityEnabled: bool(raw.securityEnabled),
    groupTypes: strings(raw.groupTypes),
  };
}

/** Always select `id`; de-duplicate; keep the caller's order. */
export function selectList(select: readonly string[]): string {
  const out = ['id'];
  for (const s of select) {
    const t = s.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out.join(',');
}
