/**
 * The Azure portal step that fixes each failure an admin can cause, in the words of the settings
 * pages (../seed: "Create App registrations", "Grant API Permission", "Create client secret").
 */
import type { AuthFailureReason } from '../graph/index.js';

const REGISTRATION = 'Azure portal → Microsoft Entra ID → App registrations → your app';

export const AUTH_HINTS: Partial<Record<AuthFailureReason, string>> = {
  invalid_secret: `${REGISTRATION} → Certificates & secrets → Client secrets: create a new client secret and paste its Value (not the Secret ID).`,
  expired_secret: `${REGISTRATION} → Certificates & secrets → Client secrets: the secret has expired. Create a new one, paste its Value here, and save.`,
  missing_credential: 'Enter the client secret.',
  app_not_found: `${REGISTRATION} → Overview: copy the Application (client) ID and the Directory (tenant) ID again. The app must be registered in this tenant.`,
  unauthorized_client: `${REGISTRATION} → Overview: the app must be registered in (or consented to by) this tenant; check the Application (client) ID.`,
  invalid_client: `${REGISTRATION} → Overview and Certificates & secrets: check the client ID and create a new client secret.`,
  tenant_not_found: `${REGISTRATION} → Overview: copy the Directory (tenant) ID. Also check the service operator: Microsoft for the global cloud, 21Vianet for Mainland China.`,
  wrong_cloud:
    'The tenant is homed in the other cloud: choose 21Vianet as the service operator for a Mainland China tenant, Microsoft otherwise.',
  resource_not_found:
    'Microsoft Graph of the chosen cloud is not available to this tenant: check the service operator (Microsoft for the global cloud, 21Vianet for Mainland China).',
  app_disabled: `${REGISTRATION}: the app's service principal is disabled in this tenant (Enterprise applications → Properties → Enabled for users to sign-in).`,
  blocked_by_policy:
    'Microsoft Entra ID → Security → Conditional Access: a policy blocks this app; exclude it or ask your identity admin.',
  consent_missing: `${REGISTRATION} → API permissions → Grant admin consent for your organization.`,
};

export function permissionHint(missing: string[], noneGranted: boolean): string {
  if (noneGranted) {
    return `${REGISTRATION} → API permissions: add the Microsoft Graph application permissions ${missing.join(', ')}, then click "Grant admin consent for <your organization>".`;
  }
  return `${REGISTRATION} → API permissions → Add a permission → Microsoft Graph → Application permissions: select ${missing.join(', ')}, click Add permissions, then "Grant admin consent for <your organization>".`;
}

export const PLACES_HINT =
  'Exchange admin center → Resources: create room mailboxes (rooms hidden from the address list are not returned), and make sure Places is configured for the tenant (Set-PlaceV3 in Exchange Online PowerShell).';

export const PAGER_HINT =
  'Graph has no pager property. Sync the on-premises pager attribute with Microsoft Entra Connect as a directory extension (it appears as extension_<appId>_pager), or choose employeeId or extensionAttribute1..15 as the card number source.';
