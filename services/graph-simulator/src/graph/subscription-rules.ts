/** Checks for a new or renewed subscription: resource, changeType, URLs, lifetime, quotas, duplicates. */
import type { SubscriptionRecord, SubscriptionStore, SubscriptionTarget } from '../notifications/subscription-store.js';
import type { Settings } from '../settings.js';
import type { Tenant } from '../tenant/tenant.js';

export const MAX_MINUTES = { directory: 41_760, outlook: 10_080, outlookWithData: 1_440 };
const MIN_MINUTES = 45;

export interface RuleError {
  status: number;
  code: string;
  message: string;
}

export function parseResource(
  tenant: Tenant,
  resource: string,
): { target: SubscriptionTarget; normalized: string } | RuleError {
  const parts = resource.replace(/^\/+|\/+$/g, '').split('/');
  const head = (parts[0] ?? '').toLowerCase();
  if (head === 'users' && parts.length === 1) return { target: { kind: 'users' }, normalized: 'users' };
  if (head === 'users' && parts.length === 2) {
    const u = tenant.findUser(parts[1]!);
    if (!u || u.state === 'hardDeleted')
      return { status: 404, code: 'ResourceNotFound', message: `Resource '${resource}' was not found.` };
    return { target: { kind: 'user', userId: u.id }, normalized: `users/${u.id}` };
  }
  if (head === 'users' && parts.length === 3 && parts[2]!.toLowerCase() === 'events') {
    const room = tenant.findRoom(parts[1]!);
    if (!room)
      return {
        status: 404,
        code: 'ExtensionError',
        message: `Operation: Create; Exception: [Status Code: NotFound; Reason: The requested user '${parts[1]}' is invalid.]`,
      };
    return { target: { kind: 'events', roomId: room.id }, normalized: `users/${room.id}/events` };
  }
  return {
    status: 400,
    code: 'InvalidRequest',
    message: `Resource '${resource}' is not supported by the simulator (supported: /users, /users/{id}, /users/{room}/events).`,
  };
}

export function parseChangeTypes(raw: string, target: SubscriptionTarget): Set<string> | RuleError {
  const types = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!types.length) return { status: 400, code: 'InvalidRequest', message: "Missing 'changeType'." };
  const allowed = target.kind === 'events' ? ['created', 'updated', 'deleted'] : ['updated', 'deleted'];
  for (const t of types) {
    if (!allowed.includes(t))
      return {
        status: 400,
        code: 'InvalidRequest',
        message: `ChangeType '${t}' is not supported for this resource. Supported: ${allowed.join(', ')}.`,
      };
  }
  return new Set(types);
}

export function checkUrl(url: unknown, name: string, settings: Settings): string | RuleError {
  if (typeof url !== 'string') return { status: 400, code: 'InvalidRequest', message: `'${name}' is required.` };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { status: 400, code: 'InvalidRequest', message: `'${name}' is not a valid URL.` };
  }
  if (u.protocol === 'https:') return url;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) || u.hostname.startsWith('127.');
  const allow = settings.allowHttpNotificationUrls;
  if (u.protocol === 'http:' && (allow === true || (allow === 'loopback' && loopback))) return url;
  return { status: 400, code: 'InvalidRequest', message: `The ${name} must use https. Received '${url}'.` };
}

/** Resolves the expiry: under 45 min ahead → +45 min; over the maximum → clamped or rejected. */
export function resolveExpiry(
  raw: unknown,
  target: SubscriptionTarget,
  settings: Settings,
  includeResourceData: boolean,
): number | RuleError {
  const t = typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (Number.isNaN(t))
    return {
      status: 400,
      code: 'InvalidRequest',
      message: "'expirationDateTime' is required and must be a date-time.",
    };
  const now = Date.now();
  if (t <= now)
    return { status: 400, code: 'InvalidRequest', message: 'Subscription expiration can only be in the future.' };
  const max =
    target.kind === 'events'
      ? includeResourceData
        ? MAX_MINUTES.outlookWithData
        : MAX_MINUTES.outlook
      : MAX_MINUTES.directory;
  if (t > now + max * 60_000) {
    if (settings.subscriptionOverMaxLifetime === 'reject') {
      return {
        status: 400,
        code: 'InvalidRequest',
        message: `Subscription expiration can only be ${max} minutes in the future.`,
      };
    }
    return now + max * 60_000;
  }
  return Math.max(t, now + MIN_MINUTES * 60_000);
}

export function checkQuotasAndDuplicates(
  store: SubscriptionStore,
  settings: Settings,
  tenant: Tenant,
  appId: string,
  target: SubscriptionTarget,
  normalized: string,
  changeTypes: Set<string>,
): RuleError | null {
  const mine = store.list(tenant.id);
  const norm = (s: SubscriptionRecord) => parseResourceKey(s);
  const dup = mine.find((s) => s.appId === appId && norm(s) === normalized && sameSet(s.changeTypes, changeTypes));
  if (dup)
    return {
      status: 409,
      code: 'ExtensionError',
      message: `Subscription Id ${dup.id} already exists for the requested combination.`,
    };
  const q = settings.subscriptionQuotas;
  if (
    target.kind !== 'events' &&
    mine.filter((s) => s.appId === appId && s.target.kind !== 'events').length >= q.usersPerAppPerTenant
  ) {
    return {
      status: 403,
      code: 'ExtensionError',
      message: `Subscription limit reached: at most ${q.usersPerAppPerTenant} subscriptions to users per application per tenant.`,
    };
  }
  if (mine.length >= q.perTenant) {
    return {
      status: 403,
      code: 'ExtensionError',
      message: `Subscription limit reached: at most ${q.perTenant} subscriptions per tenant.`,
    };
  }
  if (
    target.kind === 'events' &&
    mine.filter((s) => s.target.kind === 'events' && s.target.roomId === target.roomId).length >= q.perMailbox
  ) {
    return {
      status: 403,
      code: 'ExtensionError',
      message: `Subscription limit reached: at most ${q.perMailbox} subscriptions per mailbox.`,
    };
  }
  return null;
}

function parseResourceKey(s: SubscriptionRecord): string {
  const t = s.target;
  return t.kind === 'users' ? 'users' : t.kind === 'user' ? `users/${t.userId}` : `users/${t.roomId}/events`;
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
