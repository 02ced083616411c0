/**
 * Reads by equality (a row by its key, a stream's state, a room's pending declines) without
 * TypeORM's query builder: each shape's SELECT is built once per entity and kept, and rows are
 * hydrated through the driver's own conversion (booleans, dates, JSON, transformers), as `find`
 * does. Every sync run makes a handful of these; a room's calendar run is one Graph request, and
 * profiled, TypeORM building and reading each of them cost more CPU than the database answering.
 * `anyOf` adds one `IN (…)` list: a users page's stored users by their 999 Graph ids, where
 * `find` with `In()` spent about 3 ms of CPU a page on its parameter bookkeeping.
 */
import type { EntityMetadata, ObjectLiteral, Repository } from 'typeorm';

type ColumnMetadata = EntityMetadata['columns'][number];

/** Column = value, or IS NULL for null. */
export type Equals<T> = { [K in keyof T]?: T[K] | null };

export interface SimpleFindOptions<T> {
  /** Only these properties (default: every column). */
  select?: (keyof T & string)[];
  order?: [keyof T & string, 'ASC' | 'DESC'][];
  limit?: number;
  /** And this property equal to one of these values (none: no rows, without asking the database). */
  anyOf?: { [K in keyof T & string]: [K, T[K][]] }[keyof T & string];
}

/** Where a statement's `IN (…)` placeholders go (their count is the call's). */
const IN_LIST = '\u0000in\u0000';

interface Statement {
  sql: string;
  where: ColumnMetadata[];
  /** The `anyOf` column, its condition last in the WHERE. */
  anyOf: ColumnMetadata | null;
  columns: ColumnMetadata[];
}

const statements = new WeakMap<EntityMetadata, Map<string, Statement>>();

function columnOf(meta: EntityMetadata, prop: string): ColumnMetadata {
  const c = meta.findColumnWithPropertyName(prop);
  if (!c) throw new Error(`${meta.name} has no property ${prop}`);
  return c;
}

function statementFor<T extends ObjectLiteral>(
  repo: Repository<T>,
  where: Equals<T>,
  opts: SimpleFindOptions<T>,
): Statement {
  const meta = repo.metadata;
  const keys = Object.keys(where);
  const anyOf = opts.anyOf?.[0] ?? null;
  const shape = JSON.stringify([keys.map((k) => [k, where[k] === null]), opts.select, opts.order, opts.limit, anyOf]);
  let byShape = statements.get(meta);
  if (!byShape) statements.set(meta, (byShape = new Map<string, Statement>()));
  const known = byShape.get(shape);
  if (known) return known;
  const q = (name: string) => repo.manager.connection.driver.escape(name);
  const columns = opts.select ? opts.select.map((p) => columnOf(meta, p)) : meta.columns;
  const whereCols = keys.map((k) => columnOf(meta, k));
  const conditions = whereCols.map((c, i) => `${q(c.databaseName)} ${where[keys[i]!] === null ? 'IS NULL' : '= ?'}`);
  const inColumn = anyOf === null ? null : columnOf(meta, anyOf);
  if (inColumn) conditions.push(`${q(inColumn.databaseName)} IN (${IN_LIST})`);
  const order = opts.order?.length
    ? ` ORDER BY ${opts.order.map(([p, dir]) => `${q(columnOf(meta, p).databaseName)} ${dir}`).join(', ')}`
    : '';
  const statement: Statement = {
    sql:
      `SELECT ${columns.map((c) => q(c.databaseName)).join(', ')} FROM ${q(meta.tableName)}` +
      (conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '') +
      order +
      (opts.limit ? ` LIMIT ${Math.floor(opts.limit)}` : ''),
    where: whereCols.filter((_, i) => where[keys[i]!] !== null),
    anyOf: inColumn,
    columns,
  };
  byShape.set(shape, statement);
  return statement;
}

/** The rows whose columns equal `where`, hydrated as TypeORM's `find` gives them. */
export async function findRows<T extends ObjectLiteral>(
  repo: Repository<T>,
  where: Equals<T>,
  opts: SimpleFindOptions<T> = {},
): Promise<T[]> {
  const values = opts.anyOf?.[1] as unknown[] | undefined;
  if (values?.length === 0) return [];
  const st = statementFor(repo, where, opts);
  const driver = repo.manager.connection.driver;
  const params: unknown[] = st.where.map((c) => driver.preparePersistentValue(where[c.propertyName], c) as unknown);
  let sql = st.sql;
  if (st.anyOf && values) {
    for (const v of values) params.push(driver.preparePersistentValue(v, st.anyOf));
    sql = sql.replace(IN_LIST, '?, '.repeat(values.length - 1) + '?');
  }
  const raw = await repo.manager.query<Record<string, unknown>[]>(sql, params);
  return raw.map((r) => {
    const entity = repo.metadata.create() as T;
    for (const c of st.columns) c.setEntityValue(entity, driver.prepareHydratedValue(r[c.databaseName], c) as unknown);
    return entity;
  });
}

/** The first row whose columns equal `where` (null: none). */
export async function findRow<T extends ObjectLiteral>(
  repo: Repository<T>,
  where: Equals<T>,
  opts: Omit<SimpleFindOptions<T>, 'limit'> = {},
): Promise<T | null> {
  return (await findRows(repo, where, { ...opts, limit: 1 }))[0] ?? null;
}
