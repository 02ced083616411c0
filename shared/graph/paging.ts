/**
 * OData collection pages: `value`, `@odata.nextLink`, `@odata.deltaLink`, `@removed` entries.
 */
import { GraphRequestError } from './graph-error-types.js';
import type { RemovedItem } from './graph-types.js';

export interface ODataPage {
  value: Record<string, unknown>[];
  nextLink?: string;
  deltaLink?: string;
}

export function readPage(body: unknown, operation: string): ODataPage {
  const b = body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
  const value = b?.value;
  if (!b || !Array.isArray(value)) {
    throw new GraphRequestError(`Microsoft Graph sent no collection for ${operation}`);
  }
  const page: ODataPage = {
    value: value.filter((v): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)),
  };
  const next = b['@odata.nextLink'];
  const delta = b['@odata.deltaLink'];
  if (typeof next === 'string' && next !== '') page.nextLink = next;
  if (typeof delta === 'string' && delta !== '') page.deltaLink = delta;
  return page;
}

/** `{id, "@removed": {reason}}` → RemovedItem; null for a normal entry. */
export function removedEntry(item: Record<string, unknown>): RemovedItem | null {
  const removed = item['@removed'];
  if (removed === undefined || removed === null) return null;
  const id = item.id;
  if (typeof id !== 'string') return null;
  const reason = typeof removed === 'object' ? (removed as { reason?: unknown }).reason : undefined;
  return { id, reason: reason === 'changed' ? 'changed' : 'deleted' };
}

/** Splits a delta page's entries into changed items and removals. */
export function splitDelta<T>(
  items: Record<string, unknown>[],
  map: (item: Record<string, unknown>) => T | null,
): { items: T[]; removed: RemovedItem[] } {
  const out: T[] = [];
  const removed: RemovedItem[] = [];
  for (const item of items) {
    const r = removedEntry(item);
    if (r) {
      removed.push(r);
      continue;
    }
    const mapped = map(item);
    if (mapped !== null) out.push(mapped);
  }
  return { items: out, removed };
}

/**
 * Places without nextLink (graph-facts §2): `$top`/`$skip`. The cursor carries the skip and the
 * largest page seen, so a server that silently caps `$top` does not end the walk early: a page
 * ends it only when empty or shorter than both the largest page seen and the documented default
 * page size (100).
 */
export const PLACES_DEFAULT_PAGE_SIZE = 100;

export interface SkipCursor {
  skip: number;
  largest: number;
}

export function encodeSkipCursor(c: SkipCursor): string {
  return `skip:${c.skip}:${c.largest}`;
}

export function decodeSkipCursor(cursor: string): SkipCursor | null {
  const m = /^skip:(\d+):(\d+)$/.exec(cursor);
  if (!m) return null;
  return { skip: Number(m[1]), largest: Number(m[2]) };
}

export function nextSkipCursor(prev: SkipCursor, received: number, top: number): SkipCursor | null {
  if (received === 0) return null;
  const largest = Math.max(prev.largest, received);
  const fullPage = Math.max(Math.min(top, PLACES_DEFAULT_PAGE_SIZE), prev.largest);
  if (received < fullPage) return null;
  return { skip: prev.skip + received, largest };
}
