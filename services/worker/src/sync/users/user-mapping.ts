/**
 * Pure mapping of Graph users to ONES user rows: what to `$select`, where the card number comes
 * from, which users are active, and how a page compares with what is stored.
 */
import type { UserRow } from '@ones-m365/shared/db';
import type { GraphUser, RemovedReason } from '@ones-m365/shared/graph';
import { clip } from '../clip.js';

export const BASE_USER_SELECT = ['id', 'userPrincipalName', 'mail', 'displayName', 'accountEnabled'] as const;

/** Why a user is inactive (users.inactive_reason). */
export type InactiveReason = 'disabled' | 'soft_deleted' | 'deleted' | 'out_of_scope';

/** `$select` for the card attribute: extensionAttributeN lives inside onPremisesExtensionAttributes. */
export function cardSelect(attribute: string): string {
  return /^extensionAttribute\d+$/.test(attribute) ? 'onPremisesExtensionAttributes' : attribute;
}

export function userSelect(cardAttribute: string | null): string[] {
  return cardAttribute ? [...BASE_USER_SELECT, cardSelect(cardAttribute)] : [...BASE_USER_SELECT];
}

/** The card number of a user, trimmed; null when unset or blank. */
export function cardNumberOf(user: GraphUser, attribute: string): string | null {
  let raw: unknown;
  if (attribute === 'employeeId') raw = user.employeeId;
  else if (/^extensionAttribute\d+$/.test(attribute)) raw = user.onPremisesExtensionAttributes?.[attribute];
  else raw = user.extra[attribute];
  if (typeof raw === 'number') raw = String(raw);
  if (typeof raw !== 'string') return null;
  const card = raw.trim();
  return card === '' ? null : card.slice(0, 128);
}

export function removedReason(reason: RemovedReason): InactiveReason {
  return reason === 'changed' ? 'soft_deleted' : 'deleted';
}

export interface MapOptions {
  integrationId: string;
  /** Null: card numbers are not synced (disabled, or the attribute could not be resolved). */
  cardAttribute: string | null;
  /** Null: no scope; else the ids of the users in scope. */
  scope: ReadonlySet<string> | null;
}

export function toUserRow(user: GraphUser, opts: MapOptions): UserRow {
  const disabled = user.accountEnabled === false;
  const outOfScope = opts.scope !== null && !opts.scope.has(user.id);
  const inactiveReason: InactiveReason | null = disabled ? 'disabled' : outOfScope ? 'out_of_scope' : null;
  return {
    integrationId: opts.integrationId,
    graphId: user.id,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    displayName: clip(user.displayName, 255),
    accountEnabled: user.accountEnabled ?? true,
    active: inactiveReason === null,
    inactiveReason,
    cardNumber: opts.cardAttribute ? cardNumberOf(user, opts.cardAttribute) : null,
  };
}

export type Change = 'created' | 'updated' | 'unchanged';

type Stored = Pick<
  UserRow,
  'userPrincipalName' | 'mail' | 'displayName' | 'accountEnabled' | 'active' | 'inactiveReason' | 'cardNumber'
>;

export function classify(stored: Stored | undefined, row: UserRow, cards: boolean): Change {
  if (!stored) return 'created';
  const same =
    stored.userPrincipalName === row.userPrincipalName &&
    stored.mail === row.mail &&
    stored.displayName === row.displayName &&
    Boolean(stored.accountEnabled) === row.accountEnabled &&
    Boolean(stored.active) === row.active &&
    (stored.inactiveReason ?? null) === row.inactiveReason &&
    (!cards || (stored.cardNumber ?? null) === row.cardNumber);
  return same ? 'unchanged' : 'updated';
}
