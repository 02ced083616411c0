/**
 * The ONE table of Microsoft clouds and the resolver from an integration's cloud settings to what
 * MSAL and the Graph client need. No other file in the codebase may name a Microsoft host.
 *
 * Custom endpoints (the Graph simulator, a reverse proxy) replace the *network location* of the
 * login host and of Graph, never the cloud's *identity*:
 * - the scope stays the cloud's own `<graph resource>/.default`. A proxy in front of the real
 *   Entra + Graph forwards our token request to Entra, which only issues tokens for the real Graph
 *   resource (asking for `https://proxy.example/.default` would fail with AADSTS500011), and Graph
 *   behind the proxy only accepts tokens whose audience is its own resource. The simulator accepts
 *   any scope that ends in `/.default`.
 * - MSAL must be told the custom login host is trusted (`knownAuthorities`, host:port) so it skips
 *   Microsoft's instance discovery and accepts that host's openid-configuration issuer.
 * - graph-client adds the bearer token only for its built-in Graph hosts and for `customHosts`
 *   (hostnames, no port), so the custom Graph host must be listed there.
 * - ID tokens from a custom login host carry that host as issuer.
 */
import { GraphConfigError } from './graph-error-types.js';

export type GraphCloud = 'global' | 'china';

export const GRAPH_CLOUDS: readonly GraphCloud[] = ['global', 'china'];

export interface CloudDefinition {
  /** Login (authority) origin. */
  readonly login: string;
  /** Graph origin, without version. */
  readonly graph: string;
  /** App-only scope for client credentials. */
  readonly scope: string;
  /** Host that appears in ID-token `iss` (differs from the login host in China). */
  readonly idTokenIssuerHost: string;
}

export const CLOUDS: Readonly<Record<GraphCloud, CloudDefinition>> = Object.freeze({
  global: Object.freeze({
    login: 'https://login.microsoftonline.com',
    graph: 'https://graph.microsoft.com',
    scope: 'https://graph.microsoft.com/.default',
    idTokenIssuerHost: 'login.microsoftonline.com',
  }),
  china: Object.freeze({
    login: 'https://login.chinacloudapi.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    scope: 'https://microsoftgraph.chinacloudapi.cn/.default',
    idTokenIssuerHost: 'login.partner.microsoftonline.cn',
  }),
});

export interface GraphEndpoints {
  /** https URL of the login host (may carry a path prefix). */
  login: string;
  /** https URL of the Graph host, without version (may carry a path prefix). */
  graph: string;
}

export interface CloudSettings {
  cloud: GraphCloud;
  tenantId: string;
  endpoints?: GraphEndpoints | null | undefined;
}

export interface ResolvedCloud {
  cloud: GraphCloud;
  /** `<login>/<tenantId>`: client credentials must never use /common or /consumers. */
  authority: string;
  /** Graph base URL without version and without trailing slash. */
  graphBaseUrl: string;
  scope: string;
  /** Lower-case hostnames (no port) graph-client may send the bearer token to. */
  customHosts: string[];
  /** `host[:port]` of a custom login host for MSAL; empty for Microsoft's own hosts. */
  knownAuthorities: string[];
  /** Accepted ID-token `iss` values for this tenant. */
  idTokenIssuers: string[];
  /** Whether endpoints were overridden (simulator / proxy). */
  custom: boolean;
}

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$/;

export function isGraphCloud(value: unknown): value is GraphCloud {
  return value === 'global' || value === 'china';
}

export function resolveCloud(settings: CloudSettings): ResolvedCloud {
  if (!isGraphCloud(settings.cloud)) {
    throw new GraphConfigError(`Unknown cloud "${String(settings.cloud)}"`, 'cloud');
  }
  const tenantId = settings.tenantId.trim();
  if (!TENANT_ID.test(tenantId) || tenantId === 'common' || tenantId === 'consumers' || tenantId === 'organizations') {
    throw new GraphConfigError('The tenant ID must be a tenant GUID or a verified domain name', 'tenantId');
  }
  const def = CLOUDS[settings.cloud];
  const endpoints = settings.endpoints ?? null;
  const login = endpoints ? parseHttpsUrl(endpoints.login, 'endpoints.login') : new URL(def.login);
  const graph = endpoints ? parseHttpsUrl(endpoints.graph, 'endpoints.graph') : new URL(def.graph);
  const loginBase = withoutTrailingSlash(login);
  return {
    cloud: settings.cloud,
    authority: `${loginBase}/${tenantId}`,
    graphBaseUrl: withoutTrailingSlash(graph),
    scope: def.scope,
    customHosts: [graph.hostname.toLowerCase()],
    knownAuthorities: endpoints ? [login.host.toLowerCase()] : [],
    idTokenIssuers: endpoints
      ? [`${loginBase}/${tenantId}/v2.0`]
      : [`https://${def.idTokenIssuerHost}/${tenantId}/v2.0`],
    custom: endpoints !== null,
  };
}

/** The cloud's own Graph origin, e.g. to recognise links Graph hands out behind a proxy. */
export function nativeGraphOrigin(cloud: GraphCloud): string {
  return new URL(CLOUDS[cloud].graph).origin;
}

function parseHttpsUrl(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GraphConfigError(`${field} is not a valid URL`, field);
  }
  if (url.protocol !== 'https:') throw new GraphConfigError(`${field} must be an https URL`, field);
  if (url.search || url.hash || url.username || url.password) {
    throw new GraphConfigError(`${field} must not carry credentials, a query or a fragment`, field);
  }
  if (url.hostname.startsWith('[')) {
    // graph-client's host matching cannot parse IPv6 literals.
    throw new GraphConfigError(`${field} must use a host name or an IPv4 address`, field);
  }
  return url;
}

function withoutTrailingSlash(url: URL): string {
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path}`;
}
