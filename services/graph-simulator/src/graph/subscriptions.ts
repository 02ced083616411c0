/** /subscriptions: create (with the validation handshake), get, list, patch (renew), delete, reauthorize. */
import { randomUUID } from 'node:crypto';
import type { SimContext } from '../context.js';
import { graphError, parseJsonBody } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { Poster } from '../notifications/post.js';
import type { SubscriptionRecord } from '../notifications/subscription-store.js';
import { validateEndpoint } from '../notifications/validation.js';
import { guarded, PERMS, type GraphCaller } from './auth.js';
import {
  checkQuotasAndDuplicates,
  checkUrl,
  parseChangeTypes,
  parseResource,
  resolveExpiry,
  type RuleError,
} from './subscription-rules.js';

const isRuleError = (v: unknown): v is RuleError => !!v && typeof v === 'object' && 'code' in v && 'status' in v;

export function subscriptionJson(s: SubscriptionRecord, origin?: string): Record<string, unknown> {
  return {
    ...(origin ? { '@odata.context': `${origin}/v1.0/$metadata#subscriptions/$entity` } : {}),
    id: s.id,
    resource: s.resource,
    applicationId: s.appId,
    changeType: s.changeType,
    clientState: s.clientState ?? null,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
    expirationDateTime: new Date(s.expiresAt).toISOString(),
    creatorId: s.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: s.latestSupportedTlsVersion,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

export function addSubscriptionRoutes(router: Router, ctx: SimContext, poster: Poster): void {
  const any = (h: (req: SimRequest, c: GraphCaller) => SimResponse | Promise<SimResponse>) =>
    guarded(ctx, [], 'directory', h);
  router.add(
    'POST',
    '/v1.0/subscriptions',
    any((req, c) => create(ctx, poster, req, c)),
  );
  router.add(
    'GET',
    '/v1.0/subscriptions',
    any((req, c) => ({
      status: 200,
      body: {
        '@odata.context': `${req.origin}/v1.0/$metadata#subscriptions`,
        value: ctx.subscriptions.list(c.tenant.id, c.appId).map((s) => subscriptionJson(s)),
      },
    })),
  );
  router.add(
    'GET',
    '/v1.0/subscriptions/{id}',
    any((req, c) => {
      const s = own(ctx, req, c);
      return 'id' in s ? { status: 200, body: subscriptionJson(s, req.origin) } : s;
    }),
  );
  router.add(
    'PATCH',
    '/v1.0/subscriptions/{id}',
    any((req, c) => patch(ctx, poster, req, c)),
  );
  router.add(
    'DELETE',
    '/v1.0/subscriptions/{id}',
    any((req, c) => {
      const s = own(ctx, req, c);
      if (!('id' in s)) return s;
      ctx.subscriptions.delete(s.id);
      return { status: 204, body: '' };
    }),
  );
  router.add(
    'POST',
    '/v1.0/subscriptions/{id}/reauthorize',
    any((req, c) => {
      const s = own(ctx, req, c);
      return 'id' in s ? { status: 204, body: '' } : s;
    }),
  );
}

function own(ctx: SimContext, req: SimRequest, c: GraphCaller): SubscriptionRecord | SimResponse {
  const s = ctx.subscriptions.get(req.params.id ?? '');
  if (!s || s.tenantId !== c.tenant.id || s.appId !== c.appId) {
    return graphError(
      req,
      404,
      'ResourceNotFound',
      `The object was not found. Subscription '${req.params.id ?? ''}' does not exist.`,
    );
  }
  return s;
}

async function create(ctx: SimContext, poster: Poster, req: SimRequest, c: GraphCaller): Promise<SimResponse> {
  const body = parseJsonBody(req);
  if (!body) return graphError(req, 400, 'InvalidRequest', 'The request body is not valid JSON.');
  const fail = (e: RuleError) => graphError(req, e.status, e.code, e.message);
  if (typeof body.resource !== 'string') return graphError(req, 400, 'InvalidRequest', "'resource' is required.");
  const res = parseResource(c.tenant, body.resource);
  if (isRuleError(res)) return fail(res);
  const needed = res.target.kind === 'events' ? PERMS.calendarsRead : PERMS.usersRead;
  if (!needed.some((p) => c.permissions.has(p))) {
    const inner = res.target.kind === 'events' ? 'ErrorAccessDenied' : 'Authorization_RequestDenied';
    return graphError(
      req,
      403,
      'ExtensionError',
      `Operation: Create; Exception: [Status Code: Forbidden; Reason: ${inner}: insufficient privileges; the application needs ${needed[0]}.]`,
    );
  }
  const types = parseChangeTypes(typeof body.changeType === 'string' ? body.changeType : '', res.target);
  if (isRuleError(types)) return fail(types);
  const url = checkUrl(body.notificationUrl, 'notificationUrl', ctx.settings);
  if (isRuleError(url)) return fail(url);
  let lifecycleUrl: string | undefined;
  if (body.lifecycleNotificationUrl !== undefined && body.lifecycleNotificationUrl !== null) {
    const l = checkUrl(body.lifecycleNotificationUrl, 'lifecycleNotificationUrl', ctx.settings);
    if (isRuleError(l)) return fail(l);
    lifecycleUrl = l;
  }
  if (typeof body.clientState === 'string' && body.clientState.length > 128) {
    return graphError(req, 400, 'InvalidRequest', 'clientState must be at most 128 characters.');
  }
  const expiry = resolveExpiry(body.expirationDateTime, res.target, ctx.settings, body.includeResourceData === true);
  if (isRuleError(expiry)) return fail(expiry);
  const clash = checkQuotasAndDuplicates(
    ctx.subscriptions,
    ctx.settings,
    c.tenant,
    c.appId,
    res.target,
    res.normalized,
    types,
  );
  if (clash) return fail(clash);
  for (const u of [url, lifecycleUrl]) {
    if (!u) continue;
    const problem = await validateEndpoint(poster, u, ctx.settings.validationTimeoutMs);
    if (problem) return graphError(req, 400, 'ValidationError', problem);
  }
  const sub: SubscriptionRecord = {
    id: randomUUID(),
    tenantId: c.tenant.id,
    appId: c.appId,
    resource: body.resource,
    changeType: [...types].join(','),
    changeTypes: types,
    notificationUrl: url,
    ...(lifecycleUrl ? { lifecycleNotificationUrl: lifecycleUrl } : {}),
    ...(typeof body.clientState === 'string' ? { clientState: body.clientState } : {}),
    expiresAt: expiry,
    latestSupportedTlsVersion:
      typeof body.latestSupportedTlsVersion === 'string' ? body.latestSupportedTlsVersion : 'v1_2',
    creatorId: c.oid,
    target: res.target,
  };
  ctx.subscriptions.add(sub);
  return {
    status: 201,
    headers: { location: `${req.origin}/v1.0/subscriptions/${sub.id}` },
    body: subscriptionJson(sub, req.origin),
  };
}

async function patch(ctx: SimContext, poster: Poster, req: SimRequest, c: GraphCaller): Promise<SimResponse> {
  const s = own(ctx, req, c);
  if (!('id' in s)) return s;
  const body = parseJsonBody(req);
  if (!body) return graphError(req, 400, 'InvalidRequest', 'The request body is not valid JSON.');
  if (body.lifecycleNotificationUrl !== undefined) {
    return graphError(
      req,
      400,
      'InvalidRequest',
      'lifecycleNotificationUrl can only be set when the subscription is created.',
    );
  }
  let expiresAt = s.expiresAt;
  if (body.expirationDateTime !== undefined) {
    const e = resolveExpiry(body.expirationDateTime, s.target, ctx.settings, false);
    if (isRuleError(e)) return graphError(req, e.status, e.code, e.message);
    expiresAt = e;
  }
  if (body.notificationUrl !== undefined && body.notificationUrl !== s.notificationUrl) {
    const u = checkUrl(body.notificationUrl, 'notificationUrl', ctx.settings);
    if (isRuleError(u)) return graphError(req, u.status, u.code, u.message);
    const problem = await validateEndpoint(poster, u, ctx.settings.validationTimeoutMs);
    if (problem) return graphError(req, 400, 'ValidationError', problem);
    s.notificationUrl = u;
  }
  s.expiresAt = expiresAt;
  return { status: 200, body: subscriptionJson(s, req.origin) };
}
