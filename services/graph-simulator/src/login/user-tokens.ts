/** Tokens for a signed-in user: delegated access token, ID token (oid, tid, preferred_username, nonce), client_info. */
import { randomUUID } from 'node:crypto';
import type { SimContext } from '../context.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import { CLOUDS } from '../tenant/clouds.js';
import type { AppRecord, UserRecord } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export async function issueUserTokens(
  ctx: SimContext,
  req: SimRequest,
  tenant: Tenant,
  app: AppRecord,
  user: UserRecord,
  scope: string,
  nonce: string | undefined,
): Promise<SimResponse> {
  const now = Math.floor(Date.now() / 1000);
  const life = ctx.settings.accessTokenLifetimeSeconds;
  const requested = scope.split(/\s+/).filter(Boolean);
  const graphScopes = requested
    .filter((s) => !OIDC_SCOPES.has(s))
    .map((s) => s.replace(/^https?:\/\/[^/]+\//, ''))
    .filter((s) => s !== '.default');
  const scp = graphScopes.length ? graphScopes.join(' ') : 'User.Read';
  const upn = String(user.props.userPrincipalName);
  const accessToken = await ctx.keys.sign({
    aud: CLOUDS[ctx.cloud].graphResource,
    iss: CLOUDS[ctx.cloud].accessTokenIssuer(tenant.id),
    iat: now,
    nbf: now,
    exp: now + life,
    appid: app.appId,
    idtyp: 'user',
    name: user.props.displayName,
    oid: user.id,
    scp,
    sub: user.id,
    tid: tenant.id,
    upn,
    unique_name: upn,
    uti: randomUUID().replace(/-/g, ''),
    ver: '1.0',
  });
  const idClaims: Record<string, unknown> = {
    aud: app.appId,
    iss: `${req.origin}/${tenant.id}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: user.props.displayName,
    oid: user.id,
    preferred_username: upn,
    sub: `${user.id}:${app.appId}`.slice(0, 43),
    tid: tenant.id,
    ver: '2.0',
    uti: randomUUID().replace(/-/g, ''),
  };
  if (nonce) idClaims.nonce = nonce;
  if (requested.includes('email') && typeof user.props.mail === 'string') idClaims.email = user.props.mail;
  const tampering = ctx.faults.takeIdTokenFault();
  Object.assign(idClaims, tampering?.claims ?? {});
  const idToken = tampering?.foreignKey ? await ctx.keys.signWithForeignKey(idClaims) : await ctx.keys.sign(idClaims);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: [scp, ...requested.filter((s) => OIDC_SCOPES.has(s))].join(' '),
    expires_in: life,
    ext_expires_in: life,
    access_token: accessToken,
    id_token: idToken,
    client_info: Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.id })).toString('base64url'),
  };
  if (requested.includes('offline_access')) {
    body.refresh_token = ctx.codec.encode({ k: 'rt', tid: tenant.id, cid: app.appId, uid: user.id, scope });
  }
  return { status: 200, headers: { 'cache-control': 'no-store, no-cache' }, body };
}
