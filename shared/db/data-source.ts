/**
 * Builds the TypeORM DataSource from DATABASE_URL: MySQL/MariaDB through mysql2, or SQLite
 * through better-sqlite3 (the embedded default). Schema changes only ever come from migrations.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export type DatabaseKind = 'mysql' | 'sqlite';

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('mysql://')) return 'mysql';
  if (url.startsWith('sqlite:')) return 'sqlite';
  throw new Error('DATABASE_URL must start with mysql:// or sqlite:');
}

/**
 * `flavor` picks TypeORM's driver for a mysql:// URL: the `mariadb` driver reads MariaDB's
 * catalogue correctly (defaults, nullability), the `mysql` one does not. `openDatabase` asks the
 * server which one it is.
 */
export function dataSourceOptions(url: string, flavor: 'mysql' | 'mariadb' = 'mysql'): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    logging: false,
  } as const;
  if (databaseKind(url) === 'mysql') {
    return {
      ...common,
      type: flavor,
      url,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      connectTimeout: 5000,
      // trace: false: mysql2 would capture a stack trace for every query (for its error messages);
      // sync pages run thousands of queries, and our errors name the operation themselves.
      // maxPreparedStatements: batch writes run prepared (upsert.ts), a statement per row count;
      // 200 a connection keeps the pool well under the server's max_prepared_stmt_count (16,382).
      extra: { connectionLimit: 10, enableKeepAlive: true, trace: false, maxPreparedStatements: 200 },
    };
  }
  const path = url.slice('sqlite:'.length);
  const database = path === ':memory:' ? ':memory:' : resolve(path);
  if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database,
    enableWAL: database !== ':memory:',
    busyTimeout: 5000,
  } as DataSourceOptions;
}

/** Opens the database and applies pending migrations (idempotent; safe from several processes). */
export async function openDatabase(url: string, opts: { migrate?: boolean } = {}): Promise<DataSource> {
  const flavor = databaseKind(url) === 'mysql' ? await mysqlFlavor(url) : 'mysql';
  const ds = new DataSource(dataSourceOptions(url, flavor));
  await ds.initialize();
  if (ds.options.type === 'better-sqlite3') serializeTransactions(ds);
  if (opts.migrate ?? true) await migrate(ds);
  return ds;
}

/**
 * better-sqlite3 is one connection, and SQLite cannot nest BEGINs: transactions started by
 * concurrent callers (api writes, the outbox drainer, sync pages in one `npm start` process) take
 * turns instead of failing with "cannot start a transaction within a transaction". Nested ones
 * (a transaction's own EntityManager) are savepoints and are not queued.
 */
function serializeTransactions(ds: DataSource): void {
  const manager = ds.manager;
  const begin = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let last: Promise<unknown> = Promise.resolve();
  manager.transaction = (...args: unknown[]) => {
    const run = last.then(() => begin(...args));
    last = run.catch(() => undefined);
    return run;
  };
}

const MIGRATION_LOCK = 'ones_m365_migrations';

/**
 * Applies pending migrations. On MySQL/MariaDB a named lock (GET_LOCK) serialises processes that
 * start together (several api and worker replicas): the first migrates, the others wait and then
 * find nothing to do. SQLite is the embedded, single-process mode.
 */
export async function migrate(ds: DataSource): Promise<string[]> {
  if (ds.options.type === 'better-sqlite3') return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
  const lock = ds.createQueryRunner();
  try {
    const [row] = (await lock.query('SELECT GET_LOCK(?, 120) AS got', [MIGRATION_LOCK])) as { got: number | null }[];
    if (Number(row?.got) !== 1)
      throw new Error('Timed out waiting for another process to finish the database migrations');
    try {
      return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await lock.query('SELECT RELEASE_LOCK(?)', [MIGRATION_LOCK]);
    }
  } finally {
    await lock.release();
  }
}

async function mysqlFlavor(url: string): Promise<'mysql' | 'mariadb'> {
  const conn = await createConnection({ uri: url, connectTimeout: 5000 });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as { v: string }[])[0]?.v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

/** Readiness: the database answers a trivial query. */
export async function pingDatabase(ds: DataSource): Promise<void> {
  await ds.query('SELECT 1');
}
