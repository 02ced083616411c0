/**
 * Two active users may not share a card number (design.md). A conflicting card is not assigned
 * and is reported; nothing is guessed, except that a user who already holds the card keeps it.
 */
import type { UserRow } from '@ones-m365/shared/db';

export interface CardResolution {
  rows: UserRow[];
  warnings: string[];
}

/**
 * @param rows the page's rows (card numbers as read from Graph)
 * @param storedCards graph id → card number stored now, for users of this page that are active
 * @param holders active users outside this page holding one of the page's cards
 */
export function resolveCardConflicts(
  rows: UserRow[],
  storedCards: ReadonlyMap<string, string | null>,
  holders: readonly { graphId: string; cardNumber: string }[],
): CardResolution {
  const warnings: string[] = [];
  const heldOutside = new Map<string, string>();
  for (const h of holders) heldOutside.set(h.cardNumber, h.graphId);
  const claimants = new Map<string, UserRow[]>();
  for (const r of rows) {
    if (!r.active || !r.cardNumber) continue;
    claimants.set(r.cardNumber, [...(claimants.get(r.cardNumber) ?? []), r]);
  }
  const refused = new Set<UserRow>();
  for (const [card, users] of claimants) {
    const holder = heldOutside.get(card);
    if (holder) {
      for (const u of users) {
        refused.add(u);
        warnings.push(`card number ${card} of ${label(u)} is already held by active user ${holder}; not assigned`);
      }
      continue;
    }
    if (users.length < 2) continue;
    const keepers = users.filter((u) => storedCards.get(u.graphId) === card);
    const keeper = keepers.length === 1 ? keepers[0] : undefined;
    for (const u of users) {
      if (u === keeper) continue;
      refused.add(u);
      warnings.push(`card number ${card} of ${label(u)} is shared by ${users.length} active users; not assigned`);
    }
  }
  return { rows: rows.map((r) => (refused.has(r) ? { ...r, cardNumber: null } : r)), warnings };
}

function label(u: UserRow): string {
  return u.userPrincipalName ? `${u.userPrincipalName} (${u.graphId})` : u.graphId;
}
