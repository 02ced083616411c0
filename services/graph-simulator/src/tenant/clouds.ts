/** Per-cloud names the real Entra and Graph use (graph-facts §1). */
import type { Cloud } from './model.js';

export interface CloudInfo {
  /** Graph resource: audience of app tokens and prefix of the `/.default` scope. */
  graphResource: string;
  loginHost: string;
  instanceName: string;
  graphHost: string;
  /** Issuer of v1 access tokens (sts) for a tenant. */
  accessTokenIssuer(tenantId: string): string;
}

export const CLOUDS: Record<Cloud, CloudInfo> = {
  global: {
    graphResource: 'https://graph.microsoft.com',
    loginHost: 'login.microsoftonline.com',
    instanceName: 'microsoftonline.com',
    graphHost: 'graph.microsoft.com',
    accessTokenIssuer: (t) => `https://sts.windows.net/${t}/`,
  },
  china: {
    graphResource: 'https://microsoftgraph.chinacloudapi.cn',
    loginHost: 'login.chinacloudapi.cn',
    instanceName: 'partner.microsoftonline.cn',
    graphHost: 'microsoftgraph.chinacloudapi.cn',
    accessTokenIssuer: (t) => `https://sts.chinacloudapi.cn/${t}/`,
  },
};

/** Microsoft Graph's well-known application id: also a valid audience and scope resource. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
