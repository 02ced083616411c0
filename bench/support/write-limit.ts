/**
 * The write limit of a full users load (MySQL): the rows a sync stored, written again into fresh
 * databases of the same schema, side by side in one process and run:
 * - raw: one set-based `INSERT … ON DUPLICATE KEY UPDATE` per page straight through mysql2 (the
 *   sync's statement shape and page size, one transaction each, values converted beforehand), so
 *   what the database itself can do;
 * - ours: the sync's own upsert path (`UserRepository.upsertPage` in a transaction, as a page
 *   write does).
 * The same rows are inserted into empty tables, as the first load does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import { openDatabase, UserEntity, UserRepository } from '@ones-m365/shared/db';
import { cpuNow } from './child-env.js';

/** A sync page of /users?$top=999. */
const PAGE = 999;
/** What upsertPage overwrites on a conflict, for a full load without a card attribute. */
const OVERWRITE = [
  'user_principal_name',
  'mail',
  'display_name',
  'account_enabled',
  'active',
  'inactive_reason',
  'updated_at',
  'sync_marker',
];

/** One round each of raw and ours, three rounds. */
export interface WriteLimit {
  rows: number;
  rounds: { rawMs: number; oursMs: number }[];
  /** The database server's CPU milliseconds during each raw round (null: not readable here). */
  rawDbCpuMs: (number | null)[];
}

async function freshDatabase(
  admin: Connection,
  mysqlUrl: string,
  from: string,
): Promise<{ name: string; db: DataSource }> {
  const name = `ones_m365_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const db = await openDatabase(`${mysqlUrl.replace(/\/+$/, '')}/${name}`);
  await admin.query(`INSERT INTO \`${name}\`.integrations SELECT * FROM \`${from}\`.integrations`);
  return { name, db };
}

function pages<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += PAGE) out.push(rows.slice(i, i + PAGE));
  return out;
}

async function timeRaw(mysqlUrl: string, database: string, db: DataSource, rows: UserEntity[]): Promise<number> {
  const meta = db.getRepository(UserEntity).metadata;
  const columns = meta.columns;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const set = OVERWRITE.map((c) => `\`${c}\` = VALUES(\`${c}\`)`).join(', ');
  const head = `INSERT INTO \`users\` (${columns.map((c) => `\`${c.databaseName}\``).join(', ')}) VALUES `;
  const batches = pages(rows).map((page) => ({
    sql: `${head}${page.map(() => tuple).join(', ')} ON DUPLICATE KEY UPDATE ${set}`,
    params: page.flatMap((r) =>
      columns.map((c) => {
        const v = c.getEntityValue(r);
        return typeof v === 'boolean' ? Number(v) : v;
      }),
    ),
  }));
  const conn = await createConnection({ uri: `${mysqlUrl.replace(/\/+$/, '')}/${database}` });
  try {
    const t0 = performance.now();
    for (const b of batches) {
      await conn.beginTransaction();
      await conn.query(b.sql, b.params);
      await conn.commit();
    }
    return performance.now() - t0;
  } finally {
    await conn.end();
  }
}

async function timeOurs(db: DataSource, rows: UserEntity[], marker: string): Promise<number> {
  const batches = pages(rows.map((r) => ({ ...r })));
  const t0 = performance.now();
  for (const page of batches)
    await db.transaction((em) => new UserRepository(em).upsertPage(page, { cards: false, marker }));
  return performance.now() - t0;
}

/** `source` holds the synced users of `integrationId` (database `sourceName` on `mysqlUrl`). */
export async function measureWriteLimit(
  mysqlUrl: string,
  source: DataSource,
  sourceName: string,
  integrationId: string,
): Promise<WriteLimit> {
  const stored = await source.getRepository(UserEntity).find({ where: { integrationId } });
  const marker = randomUUID();
  const fresh = () => stored.map((u) => ({ ...u, id: randomUUID(), syncMarker: marker }));
  const admin = await createConnection({ uri: mysqlUrl });
  const inFresh = async (fn: (d: { name: string; db: DataSource }) => Promise<number>) => {
    const d = await freshDatabase(admin, mysqlUrl, sourceName);
    try {
      return await fn(d);
    } finally {
      await d.db.destroy();
      await admin.query(`DROP DATABASE \`${d.name}\``);
    }
  };
  try {
    // Three rounds, each into empty tables, the order alternating (raw first, then ours first).
    const rounds: WriteLimit['rounds'] = [];
    const rawDbCpuMs: WriteLimit['rawDbCpuMs'] = [];
    for (let round = 0; round < 3; round++) {
      const raw = () =>
        inFresh(async (d) => {
          const rows = fresh();
          const before = cpuNow().db;
          const ms = await timeRaw(mysqlUrl, d.name, d.db, rows);
          const after = cpuNow().db;
          rawDbCpuMs.push(before === null || after === null ? null : after - before);
          return ms;
        });
      const ours = () => inFresh((d) => timeOurs(d.db, fresh(), marker));
      if (round % 2 === 0) rounds.push({ rawMs: await raw(), oursMs: await ours() });
      else {
        const oursMs = await ours();
        rounds.push({ rawMs: await raw(), oursMs });
      }
    }
    return { rows: stored.length, rounds, rawDbCpuMs };
  } finally {
    await admin.end();
  }
}
