/**
 * Bearer-token validation on every Graph call (signature, expiry, audience, tenant, cloud) and the
 * permission check: app tokens need one of the route's permissions in `roles`, user tokens in `scp`.
 */
import type { SimContext } from '../context.js';
import { graphError } from '../http/errors.js';
import type { Handler, SimRequest, SimResponse } from '../http/types.js';
import { CLOUDS, GRAPH_APP_ID } from '../tenant/clouds.js';
import type { Tenant } from '../tenant/tenant.js';

export interface GraphCaller {
  tenant: Tenant;
  appId: string;
  /** Application permissions (roles) or delegated scopes (scp). */
  permissions: Set<string>;
  isApp: boolean;
  /** Service principal object id (app) or user object id (delegated). */
  oid: string;
}

export type GraphHandler = (req: SimRequest, caller: GraphCaller) => SimResponse | Promise<SimResponse>;

/** Directory APIs answer Authorization_RequestDenied; Exchange-backed ones ErrorAccessDenied. */
export type DenyStyle = 'directory' | 'exchange';

function unauthorized(req: SimRequest, message: string): SimResponse {
  return graphError(req, 401, 'InvalidAuthenticationToken', message, {
    'www-authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
  });
}

export async function authenticate(ctx: SimContext, req: SimRequest): Promise<GraphCaller | SimResponse> {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) return unauthorized(req, 'Access token is empty.');
  const claims = await ctx.keys.verify(m[1]!.trim());
  if (!claims)
    return unauthorized(
      req,
      'IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format.',
    );
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= now)
    return unauthorized(req, 'Lifetime validation failed, the token is expired.');
  if (typeof claims.nbf === 'number' && claims.nbf > now + 300)
    return unauthorized(req, 'Lifetime validation failed, the token is not yet valid.');
  const aud = String(claims.aud ?? '');
  if (aud !== CLOUDS[ctx.cloud].graphResource && aud !== GRAPH_APP_ID)
    return unauthorized(req, 'Access token validation failure. Invalid audience.');
  const tenant = ctx.tenants.find(String(claims.tid ?? ''));
  if (!tenant || tenant.cloud !== ctx.cloud)
    return unauthorized(req, 'Access token validation failure. Invalid issuer.');
  const isApp = claims.idtyp === 'app';
  const perms = isApp
    ? Array.isArray(claims.roles)
      ? claims.roles.map(String)
      : []
    : String(claims.scp ?? '')
        .split(' ')
        .filter(Boolean);
  // As with Entra, permissions are those in the token: a consent change shows in tokens issued after it.
  return {
    tenant,
    appId: String(claims.appid ?? ''),
    permissions: new Set(perms),
    isApp,
    oid: String(claims.oid ?? ''),
  };
}

export function denied(req: SimRequest, style: DenyStyle): SimResponse {
  return style === 'directory'
    ? graphError(req, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.')
    : graphError(req, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}

/** Wraps a Graph handler: authenticate, then require one of `anyOf` (empty = any valid token). */
export function guarded(ctx: SimContext, anyOf: string[], style: DenyStyle, handler: GraphHandler): Handler {
  return async (req) => {
    const caller = await authenticate(ctx, req);
    if (!('tenant' in caller)) return caller;
    if (anyOf.length && !anyOf.some((p) => caller.permissions.has(p))) return denied(req, style);
    return handler(req, caller);
  };
}

export const PERMS = {
  usersRead: [
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
    'User.ReadBasic.All',
  ],
  groupsRead: [
    'Group.Read.All',
    'GroupMember.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  placesRead: ['Place.Read.All', 'Place.ReadWrite.All'],
  calendarsRead: ['Calendars.Read', 'Calendars.ReadWrite', 'Calendars.ReadBasic'],
  calendarsWrite: ['Calendars.ReadWrite'],
  directoryRead: ['Directory.Read.All', 'Directory.ReadWrite.All'],
};
