/**
 * The card numbers of one page: conflicts with active holders outside the page, or among the
 * page's users, are refused (card-conflicts.ts); each refused claim is carried to the round's end,
 * where it is given to its claimant if the card is free by then.
 */
import type { UserEntity, UserRepository, UserRow } from '@ones-m365/shared/db';
import { resolveCardConflicts } from './card-conflicts.js';
import { inPage, type PageUsers } from './page-rows.js';
import type { CardClaim } from './users-checkpoint.js';

/** Refused card claims a round keeps for its end (the checkpoint stays small). */
export const MAX_REFUSED_CARDS = 200;

export interface PageCards {
  rows: UserRow[];
  warnings: string[];
  /** The round's refused claims after this page (undefined: none). */
  refusedCards: CardClaim[] | undefined;
}

/** Claims still open after a page: earlier ones of users the page does not speak for, then the page's refusals. */
export function carriedClaims(
  earlier: readonly CardClaim[] | undefined,
  page: PageUsers,
  refusedNow: readonly CardClaim[],
): CardClaim[] | undefined {
  const kept = earlier?.filter((c) => !inPage(page, c.graphId));
  if (refusedNow.length === 0) return kept;
  return [...(kept ?? []), ...refusedNow].slice(-MAX_REFUSED_CARDS);
}

/** The claims of `before` (rows as read) that `after` (rows as resolved) refused. */
export function refusedClaims(before: readonly UserRow[], after: readonly UserRow[]): CardClaim[] {
  const claimed = new Map(
    before.flatMap((r) => (r.active && r.cardNumber ? [[r.graphId, r.cardNumber] as const] : [])),
  );
  return after.flatMap((r) => {
    const card = claimed.get(r.graphId);
    return card !== undefined && r.cardNumber === null ? [{ graphId: r.graphId, card }] : [];
  });
}

export async function settlePageCards(
  users: Pick<UserRepository, 'activeCardHolders'>,
  integrationId: string,
  page: PageUsers,
  rows: UserRow[],
  stored: ReadonlyMap<string, UserEntity>,
  earlier: readonly CardClaim[] | undefined,
): Promise<PageCards> {
  const pageCards = [...new Set(rows.flatMap((r) => (r.active && r.cardNumber ? [r.cardNumber] : [])))];
  const holders = (await users.activeCardHolders(integrationId, pageCards)).filter((h) => !inPage(page, h.graphId));
  const storedCards = new Map([...stored.values()].filter((s) => s.active).map((s) => [s.graphId, s.cardNumber]));
  const resolved = resolveCardConflicts(rows, storedCards, holders);
  return {
    rows: resolved.rows,
    warnings: resolved.warnings,
    refusedCards: carriedClaims(earlier, page, refusedClaims(rows, resolved.rows)),
  };
}
