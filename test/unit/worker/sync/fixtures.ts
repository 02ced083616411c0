import type { UserEntity, UserRow } from '@ones-m365/shared/db';
import type { GraphUser } from '@ones-m365/shared/graph';

export const row = (graphId: string, over: Partial<UserRow> = {}): UserRow => ({
  integrationId: 'i1',
  graphId,
  userPrincipalName: `${graphId}@contoso.com`,
  mail: null,
  displayName: graphId,
  accountEnabled: true,
  active: true,
  inactiveReason: null,
  cardNumber: null,
  ...over,
});

export const stored = (graphId: string, over: Partial<UserEntity> = {}): UserEntity => ({
  ...row(graphId),
  id: `db-${graphId}`,
  syncMarker: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

export const graphUser = (id: string, over: Partial<GraphUser> = {}): GraphUser => ({
  id,
  userPrincipalName: `${id}@contoso.com`,
  mail: null,
  displayName: id,
  givenName: null,
  surname: null,
  accountEnabled: true,
  employeeId: null,
  onPremisesExtensionAttributes: null,
  extra: {},
  ...over,
});
