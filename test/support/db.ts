/**
 * A fresh MySQL database per suite (migrated, then dropped), or an in-memory SQLite one.
 * Names carry the run id, so parallel runs on one server never meet.
 */
import { createConnection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase } from '@ones-m365/shared/db';
import { RUN_ID, TEST_MYSQL_URL } from './services.js';

let counter = 0;

export interface TestDatabase {
  url: string;
  name: string;
  ds: DataSource;
  drop(): Promise<void>;
}

async function admin<T>(
  server: string,
  fn: (c: Awaited<ReturnType<typeof createConnection>>) => Promise<T>,
): Promise<T> {
  const c = await createConnection({ uri: server });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh, empty database on `server` (the tests' MySQL unless told), and how to drop it. */
export async function createMysqlDatabase(
  server = TEST_MYSQL_URL,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `ones_m365_t_${RUN_ID}_${++counter}`;
  await admin(server, (c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  const url = `${server.replace(/\/+$/, '')}/${name}`;
  return {
    url,
    name,
    drop: () => admin(server, (c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``)).then(() => undefined),
  };
}

export async function openTestDatabase(kind: 'mysql' | 'sqlite' = 'mysql'): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const ds = await openDatabase('sqlite::memory:');
    return { url: 'sqlite::memory:', name: ':memory:', ds, drop: async () => void (await ds.destroy()) };
  }
  const db = await createMysqlDatabase();
  const ds = await openDatabase(db.url);
  return {
    ...db,
    ds,
    async drop() {
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    },
  };
}

/** Empties every table (between tests of one suite). */
export async function truncateAll(ds: DataSource): Promise<void> {
  for (const meta of ds.entityMetadatas) await ds.getRepository(meta.target).clear();
}
