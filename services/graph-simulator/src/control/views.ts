/** Plain JSON views of internal records for the control API. */
import type { AppRecord, Cloud, UserRecord } from '../tenant/model.js';

export interface AppInfo {
  appId: string;
  displayName: string;
  permissions: string[];
  redirectUris: string[];
  secrets: { keyId: string; value: string; expiresAt: string }[];
}

export interface TenantInfo {
  tenantId: string;
  cloud: Cloud;
  displayName: string;
  domain: string;
  pagerExtension: string;
  extensionAppId: string;
  apps: AppInfo[];
}

export interface UserView {
  id: string;
  state: string;
  props: Record<string, unknown>;
}

export function appInfo(a: AppRecord): AppInfo {
  return {
    appId: a.appId,
    displayName: a.displayName,
    permissions: [...a.permissions].sort(),
    redirectUris: [...a.redirectUris],
    secrets: a.secrets.map((s) => ({ keyId: s.keyId, value: s.value, expiresAt: s.expiresAt })),
  };
}

export function userView(u: UserRecord): UserView {
  return { id: u.id, state: u.state, props: structuredClone(u.props) };
}
