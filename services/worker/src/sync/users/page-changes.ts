/**
 * What one page changes, worked out from the page and the stored rows, without I/O: the counts
 * (created / updated / unchanged / deactivated), the rows to upsert, the users it creates (for
 * their default groups), and the removals by reason.
 */
import { randomUUID } from 'node:crypto';
import type { UserEntity, UserRow } from '@ones-m365/shared/db';
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
  };
  for (const row of rows) {
    const before = stored.get(row.graphId);
    const change = classify(before, row, opts.cards);
    if (before?.active && !row.active) changes.counts.deactivated++;
    else changes.counts[change]++;
    if (change === 'created' || change === 'updated' || opts.marker) {
      const write = { ...row, id: newId() };
      changes.writes.push(write);
      if (change === 'created') changes.createdIds.push(write.id);
    }
  }
  for (const r of removed) {
    const before = stored.get(r.id);
    const reason = removedReason(r.reason);
    if (!before || (!before.active && before.inactiveReason === reason)) continue;
    if (before.active) changes.counts.deactivated++;
    else changes.counts.updated++;
    changes.removals.set(reason, [...(changes.removals.get(reason) ?? []), r.id]);
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
