/** OpenID Connect discovery and JWKS. The issuer uses this host, so msal-node 7's issuer check passes. */
import type { SimContext } from '../context.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import { CLOUDS } from '../tenant/clouds.js';
import { isGenericTenant, resolveTenant } from './client-auth.js';

export function openIdConfiguration(ctx: SimContext, req: SimRequest): SimResponse {
  const segment = req.params.tenant ?? '';
  let tenantId = '{tenantid}';
  let cloud = ctx.cloud;
  if (!isGenericTenant(segment)) {
    const tenant = ctx.tenants.find(segment);
    if (!tenant) {
      const r = resolveTenant(ctx, segment);
      if ('fail' in r) return r.fail;
    } else {
      tenantId = tenant.id;
      // A tenant of the other cloud is described with its home cloud (its token requests get AADSTS90038).
      cloud = tenant.cloud;
    }
  }
  const base = `${req.origin}/${isGenericTenant(segment) ? segment : tenantId}`;
  const info = CLOUDS[cloud];
  return {
    status: 200,
    headers: { 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' },
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${req.origin}/${isGenericTenant(segment) ? segment : tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${req.origin}/${tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${req.origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'at_hash',
        'c_hash',
        'email',
      ],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: cloud === 'china' ? 'AS' : 'WW',
      cloud_instance_name: info.instanceName,
      cloud_graph_host_name: cloud === 'china' ? 'graph.chinacloudapi.cn' : 'graph.windows.net',
      msgraph_host: info.graphHost,
      rbac_url: 'https://pas.windows.net',
    },
  };
}

export function jwks(ctx: SimContext): SimResponse {
  return { status: 200, headers: { 'cache-control': 'max-age=86400, private' }, body: ctx.keys.jwks() };
}
