/** The users a page leaves: each user's last entry in it, a removal in the same page winning. */
import type { GraphUser, RemovedItem } from '@ones-m365/shared/graph';

export interface PageUsers {
  /** Graph id → the user's state after this page (users the page removes are not in it). */
  latest: Map<string, GraphUser>;
  removedIds: Set<string>;
}

export function latestOfPage(page: { users: readonly GraphUser[]; removed: readonly RemovedItem[] }): PageUsers {
  const removedIds = new Set(page.removed.map((r) => r.id));
  const latest = new Map<string, GraphUser>();
  for (const u of page.users) if (!removedIds.has(u.id)) latest.set(u.id, u);
  return { latest, removedIds };
}

/** Whether a graph id is one this page speaks for (its state comes from the page, not the database). */
export function inPage(page: PageUsers, graphId: string): boolean {
  return page.latest.has(graphId) || page.removedIds.has(graphId);
}
