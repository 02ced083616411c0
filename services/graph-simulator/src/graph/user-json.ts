/** How a user looks in Graph JSON: default property set, $select validation, extension rules. */
import type { UserRecord } from '../tenant/model.js';

/** Returned when no $select is given (Graph v1.0 default set). */
export const DEFAULT_USER_PROPS = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

const KNOWN = new Set(
  [
    ...DEFAULT_USER_PROPS,
    'accountEnabled',
    'ageGroup',
    'city',
    'companyName',
    'country',
    'createdDateTime',
    'creationType',
    'deletedDateTime',
    'department',
    'employeeHireDate',
    'employeeId',
    'employeeType',
    'externalUserState',
    'faxNumber',
    'identities',
    'imAddresses',
    'lastPasswordChangeDateTime',
    'mailNickname',
    'onPremisesDistinguishedName',
    'onPremisesDomainName',
    'onPremisesExtensionAttributes',
    'onPremisesImmutableId',
    'onPremisesLastSyncDateTime',
    'onPremisesSamAccountName',
    'onPremisesSecurityIdentifier',
    'onPremisesSyncEnabled',
    'onPremisesUserPrincipalName',
    'otherMails',
    'postalCode',
    'proxyAddresses',
    'showInAddressList',
    'state',
    'streetAddress',
    'usageLocation',
    'userType',
    'manager',
  ].map((p) => p.toLowerCase()),
);

const CANONICAL = new Map([...KNOWN].map((k) => [k, k]));
for (const p of [
  ...DEFAULT_USER_PROPS,
  'accountEnabled',
  'createdDateTime',
  'department',
  'employeeId',
  'onPremisesExtensionAttributes',
  'mailNickname',
  'userType',
  'companyName',
  'usageLocation',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'employeeType',
  'otherMails',
  'proxyAddresses',
  'faxNumber',
  'streetAddress',
  'postalCode',
  'city',
  'state',
  'country',
  'manager',
  'deletedDateTime',
  'showInAddressList',
  'identities',
  'imAddresses',
  'ageGroup',
  'creationType',
  'employeeHireDate',
  'externalUserState',
  'lastPasswordChangeDateTime',
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesLastSyncDateTime',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesUserPrincipalName',
])
  CANONICAL.set(p.toLowerCase(), p);

export type SelectResult = { props: string[] } | { error: string };

/** Parses `$select`; null when absent. Unknown properties are an error, as in Graph. */
export function parseUserSelect(raw: string | null): SelectResult | null {
  if (raw === null || raw.trim() === '') return null;
  const props: string[] = [];
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (/^extension_[0-9a-f]{32}_\w+$/i.test(part)) {
      props.push(part);
      continue;
    }
    const canon = CANONICAL.get(part.toLowerCase());
    if (!canon)
      return { error: `Could not find a property named '${part}' on type 'Microsoft.DirectoryServices.User'.` };
    if (!props.includes(canon)) props.push(canon);
  }
  if (!props.includes('id')) props.push('id');
  return { props };
}

/**
 * Projects a user. In lists and gets, selected-but-unset properties are null; in delta they are
 * omitted (`omitUnset`). Directory extensions appear only when selected, and only when set.
 */
export function projectUser(user: UserRecord, select: string[] | null, omitUnset = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of select ?? DEFAULT_USER_PROPS) {
    const v = user.props[p];
    if (p.startsWith('extension_')) {
      if (v !== undefined && v !== null) out[p] = v;
      continue;
    }
    if (p === 'manager') continue;
    if (v === undefined) {
      if (!omitUnset) out[p] = p === 'businessPhones' ? [] : null;
      continue;
    }
    out[p] = v;
  }
  return out;
}

export function userContext(origin: string, select: string[] | null, suffix = ''): string {
  return `${origin}/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}${suffix}`;
}
