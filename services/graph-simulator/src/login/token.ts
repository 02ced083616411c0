/** POST /{tenant}/oauth2/v2.0/token: client credentials, authorization code (+PKCE) and refresh token grants. */
import { createHash, randomUUID } from 'node:crypto';
import type { SimContext } from '../context.js';
import { oauthError } from '../http/errors.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import { CLOUDS, GRAPH_APP_ID } from '../tenant/clouds.js';
import type { AppRecord } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';
import { checkSecret, isGenericTenant, resolveApp, resolveTenant } from './client-auth.js';
import { issueUserTokens } from './user-tokens.js';

interface RefreshToken {
  k: 'rt';
  tid: string;
  cid: string;
  uid: string;
  scope: string;
}

function clientCredentials(form: URLSearchParams): { id: string | null; secret: string | null; assertion: boolean } {
  return { id: form.get('client_id'), secret: form.get('client_secret'), assertion: form.has('client_assertion') };
}

/** Accepts `<graph resource>/.default` for the tenant's cloud, Graph's app id, or this host's origin. */
function graphResourceOf(scope: string, ctx: SimContext, origin: string): string | null {
  const resource = scope.slice(0, -'/.default'.length);
  const allowed = [CLOUDS[ctx.cloud].graphResource, GRAPH_APP_ID, origin];
  return allowed.some((a) => a.replace(/\/$/, '').toLowerCase() === resource.replace(/\/$/, '').toLowerCase())
    ? resource
    : null;
}

export async function tokenEndpoint(ctx: SimContext, req: SimRequest): Promise<SimResponse> {
  const form = new URLSearchParams(req.rawBody);
  const basic = req.headers.authorization?.match(/^Basic (.+)$/i)?.[1];
  if (basic) {
    const [id, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    if (id && !form.has('client_id')) form.set('client_id', decodeURIComponent(id));
    if (secret && !form.has('client_secret')) form.set('client_secret', decodeURIComponent(secret));
  }
  const grant = form.get('grant_type');
  const segment = req.params.tenant ?? '';
  if (isGenericTenant(segment) && grant === 'client_credentials') {
    return oauthError(
      400,
      'invalid_request',
      9001023,
      `The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.`,
    );
  }
  const t = resolveTenant(ctx, segment);
  if ('fail' in t) return t.fail;
  const creds = clientCredentials(form);
  const a = resolveApp(t.ok, creds.id);
  if ('fail' in a) return a.fail;
  const secretProblem = checkSecret(a.ok, creds.secret, creds.assertion);
  if (secretProblem) return secretProblem;
  switch (grant) {
    case 'client_credentials':
      return clientCredentialsGrant(ctx, req, t.ok, a.ok, form);
    case 'authorization_code':
      return authorizationCodeGrant(ctx, req, t.ok, a.ok, form);
    case 'refresh_token':
      return refreshTokenGrant(ctx, req, t.ok, a.ok, form);
    default:
      return oauthError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grant ?? ''}'.`,
      );
  }
}

async function clientCredentialsGrant(
  ctx: SimContext,
  req: SimRequest,
  tenant: Tenant,
  app: AppRecord,
  form: URLSearchParams,
): Promise<SimResponse> {
  const scope = (form.get('scope') ?? '').trim();
  if (!scope.endsWith('/.default') || scope.includes(' ')) {
    return oauthError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  if (!graphResourceOf(scope, ctx, req.origin)) {
    const resource = scope.slice(0, -'/.default'.length);
    return oauthError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const now = Math.floor(Date.now() / 1000);
  const life = ctx.settings.accessTokenLifetimeSeconds;
  const roles = [...app.permissions].sort();
  const claims: Record<string, unknown> = {
    aud: CLOUDS[ctx.cloud].graphResource,
    iss: CLOUDS[ctx.cloud].accessTokenIssuer(tenant.id),
    iat: now,
    nbf: now,
    exp: now + life,
    aio: randomUUID(),
    app_displayname: app.displayName,
    appid: app.appId,
    appidacr: '1',
    idp: CLOUDS[ctx.cloud].accessTokenIssuer(tenant.id),
    idtyp: 'app',
    oid: app.servicePrincipalId,
    sub: app.servicePrincipalId,
    tid: tenant.id,
    uti: randomUUID().replace(/-/g, ''),
    ver: '1.0',
  };
  // Entra omits `roles` entirely when nothing is consented (the token request still succeeds).
  if (roles.length) claims.roles = roles;
  const accessToken = await ctx.keys.sign(claims);
  return {
    status: 200,
    headers: { 'cache-control': 'no-store, no-cache' },
    body: { token_type: 'Bearer', expires_in: life, ext_expires_in: life, access_token: accessToken },
  };
}

async function authorizationCodeGrant(
  ctx: SimContext,
  req: SimRequest,
  tenant: Tenant,
  app: AppRecord,
  form: URLSearchParams,
): Promise<SimResponse> {
  const code = form.get('code') ?? '';
  const entry = ctx.authCodes.get(code);
  ctx.authCodes.delete(code);
  if (!entry || entry.expiresAt < Date.now() || entry.tenantId !== tenant.id) {
    return oauthError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    );
  }
  if (entry.clientId !== app.appId) {
    return oauthError(
      400,
      'invalid_grant',
      700005,
      'Provided Authorization Code is intended to use against other tenant/client, thus rejected.',
    );
  }
  if ((form.get('redirect_uri') ?? '') !== entry.redirectUri) {
    return oauthError(
      400,
      'invalid_grant',
      50011,
      `The redirect URI '${form.get('redirect_uri') ?? ''}' specified in the request does not match the redirect URI used in the authorization request for the application '${app.appId}'.`,
    );
  }
  if (entry.codeChallenge) {
    const verifier = form.get('code_verifier') ?? '';
    const computed =
      entry.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
    if (!verifier || computed !== entry.codeChallenge) {
      return oauthError(
        400,
        'invalid_grant',
        501481,
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      );
    }
  }
  const user = tenant.usersById.get(entry.userId);
  if (!user || user.state !== 'active')
    return oauthError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
  return issueUserTokens(ctx, req, tenant, app, user, entry.scope, entry.nonce);
}

async function refreshTokenGrant(
  ctx: SimContext,
  req: SimRequest,
  tenant: Tenant,
  app: AppRecord,
  form: URLSearchParams,
): Promise<SimResponse> {
  const rt = ctx.codec.decode<RefreshToken>(form.get('refresh_token'));
  if (!rt || rt.k !== 'rt' || rt.tid !== tenant.id || rt.cid !== app.appId) {
    return oauthError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
  }
  const user = tenant.usersById.get(rt.uid);
  if (!user || user.state !== 'active' || user.props.accountEnabled === false) {
    return oauthError(400, 'invalid_grant', 50057, 'The user account is disabled.');
  }
  return issueUserTokens(ctx, req, tenant, app, user, form.get('scope') ?? rt.scope, undefined);
}
