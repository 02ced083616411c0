/**
 * HTTP control API under /_control (header `x-simulator-key: <controlKey>`). Every route maps to a
 * SimulatorControl method; `{tid}` may be `primary`. Errors: `{error: {code, message}}`.
 */
import { timingSafeEqual } from 'node:crypto';
import { parseJsonBody } from '../http/errors.js';
import { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { SimulatorCore } from '../simulator.js';
import { SimulatorError } from '../tenant/mutations.js';
import { SimulatorControl, type LifecycleEvent } from './ops.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Op = (c: SimulatorControl, p: Record<string, string>, body: Body, q: URLSearchParams) => unknown;

const ROUTES: [string, string, Op][] = [
  ['GET', '/state', (c) => c.state()],
  ['GET', '/settings', (c) => c.settings()],
  ['PATCH', '/settings', (c, _p, b) => c.updateSettings(b)],
  [
    'GET',
    '/counters',
    (c, _p, _b, q) => ({
      rows: c.counters(),
      total: c.requestCount({ ...(q.get('route') ? { route: q.get('route')! } : {}) }),
    }),
  ],
  ['DELETE', '/counters', (c) => c.resetCounters()],
  ['GET', '/mailbox-peaks', (c) => c.mailboxPeaks()],
  ['GET', '/faults', (c) => c.faults()],
  ['DELETE', '/faults', (c) => c.clearFaults()],
  ['POST', '/faults/errors', (c, _p, b) => c.addErrorFault(b as never)],
  ['POST', '/faults/latency', (c, _p, b) => c.addLatencyFault(b as never)],
  ['PUT', '/faults/login-hang', (c, _p, b) => c.setLoginHang(b.hang !== false)],
  ['POST', '/faults/expire-delta-tokens', (c) => c.expireDeltaTokens()],
  ['PUT', '/faults/notifications', (c, _p, b) => c.setNotificationFaults(b)],
  ['POST', '/faults/sign-in-errors', (c, _p, b) => c.addSignInErrorFault(b as never)],
  ['POST', '/faults/id-tokens', (c, _p, b) => c.addIdTokenFault(b)],
  ['GET', '/notifications', (c) => ({ deliveries: c.notifications(), stats: c.notificationStats() })],
  ['DELETE', '/notifications', (c) => c.clearNotifications()],
  ['GET', '/subscriptions', (c, _p, _b, q) => c.listSubscriptions(q.get('tenantId') ?? undefined)],
  ['POST', '/subscriptions/{id}/lifecycle', (c, p, b) => c.fireLifecycle(p.id!, b.event as LifecycleEvent)],
  ['PATCH', '/subscriptions/{id}', (c, p, b) => c.setSubscriptionExpiry(p.id!, String(b.expirationDateTime))],
  ['POST', '/tenants', (c, _p, b) => c.createTenant(b)],
  ['GET', '/tenants/{tid}', (c, p) => c.tenantInfo(p.tid)],
  ['POST', '/tenants/{tid}/apps', (c, p, b) => c.createApp(b, p.tid)],
  ['PATCH', '/tenants/{tid}/apps/{appId}', (c, p, b) => c.updateApp(p.appId!, b, p.tid)],
  ['POST', '/tenants/{tid}/apps/{appId}/secrets', (c, p, b) => c.addSecret(p.appId!, b, p.tid)],
  ['POST', '/tenants/{tid}/apps/{appId}/expire-secrets', (c, p) => c.expireSecrets(p.appId!, p.tid)],
  ['POST', '/tenants/{tid}/apps/{appId}/consent', (c, p, b) => c.setConsent(p.appId!, b, p.tid)],
  [
    'GET',
    '/tenants/{tid}/users',
    (c, p, _b, q) =>
      c.listUsers(
        {
          offset: Number(q.get('offset') ?? 0),
          limit: Number(q.get('limit') ?? 100),
          ...(q.get('state') ? { state: q.get('state')! } : {}),
        },
        p.tid,
      ),
  ],
  ['POST', '/tenants/{tid}/users', (c, p, b) => c.createUser(b, p.tid)],
  ['GET', '/tenants/{tid}/users/{id}', (c, p) => c.getUser(p.id!, p.tid)],
  ['PATCH', '/tenants/{tid}/users/{id}', (c, p, b) => c.updateUser(p.id!, b, p.tid)],
  ['DELETE', '/tenants/{tid}/users/{id}', (c, p) => c.hardDeleteUser(p.id!, p.tid)],
  ['POST', '/tenants/{tid}/users/{id}/disable', (c, p) => c.disableUser(p.id!, p.tid)],
  ['POST', '/tenants/{tid}/users/{id}/enable', (c, p) => c.enableUser(p.id!, p.tid)],
  ['POST', '/tenants/{tid}/users/{id}/soft-delete', (c, p) => c.softDeleteUser(p.id!, p.tid)],
  ['POST', '/tenants/{tid}/users/{id}/restore', (c, p) => c.restoreUser(p.id!, p.tid)],
  ['GET', '/tenants/{tid}/rooms', (c, p) => c.listRooms(p.tid)],
  ['POST', '/tenants/{tid}/rooms', (c, p, b) => c.addRoom(b as never, p.tid)],
  ['PATCH', '/tenants/{tid}/rooms/{room}', (c, p, b) => c.updateRoom(p.room!, b, p.tid)],
  ['DELETE', '/tenants/{tid}/rooms/{room}', (c, p) => c.removeRoom(p.room!, p.tid)],
  ['GET', '/tenants/{tid}/rooms/{room}/events', (c, p) => c.listEvents(p.room!, p.tid)],
  ['POST', '/tenants/{tid}/rooms/{room}/events', (c, p, b) => c.bookEvent(p.room!, b as never, p.tid)],
  ['POST', '/tenants/{tid}/rooms/{room}/series', (c, p, b) => c.bookSeries(p.room!, b as never, p.tid)],
  ['POST', '/tenants/{tid}/rooms/{room}/expire-delta-tokens', (c, p) => c.expireRoomDeltaTokens(p.room!, p.tid)],
  ['GET', '/tenants/{tid}/events/{id}', (c, p) => c.getEvent(p.id!, p.tid)],
  ['GET', '/tenants/{tid}/users/{id}/events', (c, p) => c.listUserEvents(p.id!, p.tid)],
  ['GET', '/tenants/{tid}/messages', (c, p) => c.meetingMessages(p.tid)],
  ['PATCH', '/tenants/{tid}/events/{id}', (c, p, b) => c.moveEvent(p.id!, b, p.tid)],
  ['DELETE', '/tenants/{tid}/events/{id}', (c, p) => c.cancelEvent(p.id!, p.tid)],
  ['GET', '/tenants/{tid}/groups', (c, p) => c.listGroups(p.tid)],
  ['POST', '/tenants/{tid}/groups', (c, p, b) => c.createGroup(b as never, p.tid)],
  ['POST', '/tenants/{tid}/groups/{id}/members', (c, p, b) => c.setGroupMembers(p.id!, b, p.tid)],
];

const routers = new WeakMap<SimulatorCore, Router>();

function routerFor(core: SimulatorCore): Router {
  let r = routers.get(core);
  if (r) return r;
  r = new Router();
  const control = new SimulatorControl(core);
  for (const [method, path, op] of ROUTES) {
    r.add(method, `/_control${path}`, (req) => {
      const body = parseJsonBody(req);
      if (!body) return { status: 400, body: { error: { code: 'BadRequest', message: 'body is not a JSON object' } } };
      const result = op(control, req.params, body, req.query);
      return result === undefined ? { status: 204, body: '' } : { status: method === 'POST' ? 201 : 200, body: result };
    });
  }
  routers.set(core, r);
  return r;
}

function authorized(core: SimulatorCore, req: SimRequest): boolean {
  const given = Buffer.from(
    req.headers['x-simulator-key'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '',
  );
  const want = Buffer.from(core.controlKey);
  return given.length === want.length && timingSafeEqual(given, want);
}

export async function handleControl(core: SimulatorCore, req: SimRequest): Promise<SimResponse> {
  if (!authorized(core, req))
    return {
      status: 401,
      body: { error: { code: 'Unauthorized', message: 'x-simulator-key header missing or wrong' } },
    };
  const m = routerFor(core).match(req.method, req.path);
  if (!m)
    return {
      status: 404,
      body: { error: { code: 'NotFound', message: `no control route ${req.method} ${req.path}` } },
    };
  if ('allowed' in m)
    return {
      status: 405,
      headers: { allow: m.allowed.join(', ') },
      body: { error: { code: 'MethodNotAllowed', message: 'method not allowed' } },
    };
  req.params = m.params;
  try {
    return await m.handler(req);
  } catch (err) {
    const status = err instanceof SimulatorError ? err.status : 500;
    return {
      status,
      body: { error: { code: status === 500 ? 'InternalError' : 'ControlError', message: (err as Error).message } },
    };
  }
}
