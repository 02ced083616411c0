/**
 * What one page changes, worked out from the page and the stored rows, without I/O: the counts
 * (created / updated / unchanged / deactivated), the rows to upsert, the users it creates (for
 * their default groups), the removals by reason, and one event per changed user.
 */
import { randomUUID } from 'node:crypto';
import { userRowWithId, type EventType, type UserEntity, type UserRow } from '@ones-m365/shared/db';
import type { RemovedItem } from '@ones-m365/shared/graph';
import { classify, removedReason } from './user-mapping.js';

export interface PageCounts {
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
}

export interface PageChanges {
  counts: PageCounts;
  /** Rows to upsert, each with a fresh id (a stored row keeps its own). */
  writes: (UserRow & { id: string })[];
  /** Ids of the rows this page creates. */
  createdIds: string[];
  /** Removal reason → graph ids to deactivate with it. */
  removals: Map<string, string[]>;
  /** Each changed user's event and its state after the page (its stored id; groups are added at commit). */
  events: UserPageEvent[];
}

export interface UserPageEvent {
  type: Extract<EventType, `user.${string}`>;
  user: UserRow & { id: string };
}

/** What a change of a stored user (or a new one) is called. */
export function userEventType(before: Pick<UserEntity, 'active'> | undefined, after: { active: boolean }) {
  if (!before) return 'user.created' as const;
  if (before.active && !after.active) return 'user.deactivated' as const;
  if (!before.active && after.active) return 'user.reactivated' as const;
  return 'user.updated' as const;
}

export interface PageChangeOptions {
  /** Whether card numbers are synced (compared and written). */
  cards: boolean;
  /** A full round's mark-and-sweep stamp: every row of the page is written, to carry it. */
  marker: string | null;
  newId?: () => string;
}

export function pageChanges(
  rows: readonly UserRow[],
  removed: readonly RemovedItem[],
  stored: ReadonlyMap<string, UserEntity>,
  opts: PageChangeOptions,
): PageChanges {
  const newId = opts.newId ?? randomUUID;
  const changes: PageChanges = {
    counts: { created: 0, updated: 0, unchanged: 0, deactivated: 0 },
    writes: [],
    createdIds: [],
    removals: new Map(),
    events: [],
  };
  for (const row of rows) {
    const before = stored.get(row.graphId);
    const change = classify(before, row, opts.cards);
    if (before?.active && !row.active) changes.counts.deactivated++;
    else changes.counts[change]++;
    if (change === 'created' || change === 'updated' || opts.marker) {
      const write = userRowWithId(row, newId());
      changes.writes.push(write);
      if (change === 'created') changes.createdIds.push(write.id);
      if (change !== 'unchanged') {
        // Without synced cards the upsert leaves a stored card as it is.
        const cardNumber = opts.cards || !before ? row.cardNumber : before.cardNumber;
        changes.events.push({
          type: userEventType(before, row),
          user: userRowWithId(row, before?.id ?? write.id, cardNumber),
        });
      }
    }
  }
  for (const r of removed) {
    const before = stored.get(r.id);
    const reason = removedReason(r.reason);
    if (!before || (!before.active && before.inactiveReason === reason)) continue;
    if (before.active) changes.counts.deactivated++;
    else changes.counts.updated++;
    changes.removals.set(reason, [...(changes.removals.get(reason) ?? []), r.id]);
    changes.events.push({
      type: before.active ? 'user.deactivated' : 'user.updated',
      user: { ...before, active: false, inactiveReason: reason },
    });
  }
  return changes;
}

export function addCounts<T extends PageCounts>(run: T, c: PageCounts): T {
  return {
    ...run,
    created: run.created + c.created,
    updated: run.updated + c.updated,
    unchanged: run.unchanged + c.unchanged,
    deactivated: run.deactivated + c.deactivated,
  };
}
