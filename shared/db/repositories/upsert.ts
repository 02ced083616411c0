import type { ObjectLiteral, Repository } from 'typeorm';

/**
 * One INSERT … ON DUPLICATE KEY UPDATE (MySQL) / ON CONFLICT DO UPDATE (SQLite) statement for a
 * whole batch. `overwrite` lists the columns a conflicting row takes from the batch; the row's
 * own id and created_at are kept.
 */
export async function upsertBatch<T extends ObjectLiteral>(
  repo: Repository<T>,
  rows: Partial<T>[],
  conflict: string[],
  overwrite: string[],
): Promise<void> {
  if (rows.length === 0) return;
  await repo
    .createQueryBuilder()
    .insert()
    .into(repo.target)
    .values(rows as never)
    .orUpdate(overwrite, conflict)
    .updateEntity(false)
    .execute();
}

/** Column names (snake_case) of entity properties, for `upsertBatch`'s `overwrite`. */
export function columnsOf<T extends ObjectLiteral>(repo: Repository<T>, props: (keyof T & string)[]): string[] {
  return props.map((p) => {
    const col = repo.metadata.findColumnWithPropertyName(p);
    if (!col) throw new Error(`${repo.metadata.name} has no property ${p}`);
    return col.databaseName;
  });
}

/** Keyset pagination: an opaque cursor is the last row's id. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
}
