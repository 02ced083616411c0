import { QueryFailedError, type EntityManager, type ObjectLiteral, type Repository } from 'typeorm';

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
    .values(rows)
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

/**
 * The same single statement as `upsertBatch`, built directly: TypeORM's query builder spends
 * more time assembling a 1,000-row insert than the database spends running it, and sync pages
 * are that size. Values go through the driver's own conversion (booleans, dates, JSON), and on
 * MySQL to the server as a prepared statement (`runBatchStatement`).
 */
export async function fastUpsertBatch<T extends ObjectLiteral>(
  repo: Repository<T>,
  rows: Partial<T>[],
  conflict: (keyof T & string)[],
  overwrite: (keyof T & string)[],
): Promise<void> {
  if (rows.length === 0) return;
  const meta = repo.metadata;
  const q = (name: string) => repo.manager.connection.driver.escape(name);
  const colOf = (p: string) => {
    const c = meta.findColumnWithPropertyName(p);
    if (!c) throw new Error(`${meta.name} has no property ${p}`);
    return q(c.databaseName);
  };
  const sqlite = repo.manager.connection.options.type === 'better-sqlite3';
  const set = overwrite
    .map((p) => (sqlite ? `${colOf(p)} = excluded.${colOf(p)}` : `${colOf(p)} = VALUES(${colOf(p)})`))
    .join(', ');
  const tail = sqlite
    ? `ON CONFLICT (${conflict.map(colOf).join(', ')}) DO UPDATE SET ${set}`
    : `ON DUPLICATE KEY UPDATE ${set}`;
  const insert = insertStatement(repo, rows);
  await runBatchStatement(repo.manager, `${insert.sql} ${tail}`, insert.params);
}

/** One plain multi-row INSERT of `rows` (all with the same properties), as `fastUpsertBatch` writes it. */
export async function insertRows<T extends ObjectLiteral>(
  repo: Repository<T>,
  rows: readonly Partial<T>[],
): Promise<void> {
  if (rows.length === 0) return;
  const insert = insertStatement(repo, rows);
  await runBatchStatement(repo.manager, insert.sql, insert.params);
}

/** `INSERT INTO … (the columns the first row has) VALUES (?, …), …` and its values, converted by the driver. */
function insertStatement<T extends ObjectLiteral>(
  repo: Repository<T>,
  rows: readonly Partial<T>[],
): { sql: string; params: unknown[] } {
  const meta = repo.metadata;
  const driver = repo.manager.connection.driver;
  const columns = meta.columns.filter((c) => rows[0]![c.propertyName as keyof T] !== undefined);
  const params: unknown[] = [];
  for (const row of rows)
    for (const c of columns) params.push(driver.preparePersistentValue(row[c.propertyName as keyof T], c));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql = `INSERT INTO ${driver.escape(meta.tableName)} (${columns.map((c) => driver.escape(c.databaseName)).join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`;
  return { sql, params };
}

/**
 * Runs a batch write with its parameters. On MySQL, as a prepared statement: values go to the
 * server in the binary protocol (a Buffer as its bytes, not hex text; no string escaping here,
 * no literals to parse there), and a statement's shape (one per row count) stays prepared in
 * mysql2's per-connection cache (bounded in data-source.ts). On SQLite, a plain query.
 */
export async function runBatchStatement(manager: EntityManager, sql: string, params: unknown[]): Promise<void> {
  if (manager.connection.options.type === 'better-sqlite3') {
    await manager.query(sql, params);
    return;
  }
  // A text query writes undefined as NULL; the binary protocol refuses it.
  for (let i = 0; i < params.length; i++) if (params[i] === undefined) params[i] = null;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const conn = (await runner.connect()) as MysqlConnection;
    await conn.promise().execute(sql, params);
  } catch (err) {
    throw new QueryFailedError(sql, params, err as Error);
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}

/** What TypeORM's MySQL query runner holds: a mysql2 pool connection (its callback form). */
interface MysqlConnection {
  promise(): { execute(sql: string, values: unknown[]): Promise<unknown> };
}
