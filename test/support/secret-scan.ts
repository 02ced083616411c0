/**
 * Looks for secrets where none may be: log output, Redis keys and values, database rows, API and
 * dashboard answers. A secret is found raw and in the encodings a careless line would use
 * (base64, base64url, percent-encoding, JSON escaping); any JWT (an access or ID token) is a leak
 * whatever its value.
 */
import type { RedisClient } from '@ones-m365/shared/queue';
import type { DataSource } from 'typeorm';

export interface Haystack {
  where: string;
  text: string;
}

export interface Leak {
  secret: string;
  form: string;
  where: string;
}

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/;

function formsOf(value: string): [string, string][] {
  return [
    ['raw', value],
    ['base64', Buffer.from(value).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(value).toString('base64url')],
    ['percent-encoded', encodeURIComponent(value)],
    ['JSON-escaped', JSON.stringify(value).slice(1, -1)],
  ];
}

/** Every place a named secret (or any JWT) shows up. */
export function findLeaks(haystacks: Haystack[], secrets: Record<string, string>): Leak[] {
  const leaks: Leak[] = [];
  const needles = Object.entries(secrets).flatMap(([name, value]) =>
    formsOf(value).map(([form, needle]) => ({ name, form, needle })),
  );
  for (const h of haystacks) {
    for (const n of needles)
      if (h.text.includes(n.needle)) leaks.push({ secret: n.name, form: n.form, where: h.where });
    if (JWT.test(h.text)) leaks.push({ secret: 'a JWT', form: 'raw', where: h.where });
  }
  return leaks;
}

async function redisValue(redis: RedisClient, key: string): Promise<unknown> {
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return await redis.getBuffer(key).then((b) => b?.toString('latin1'));
    case 'hash':
      return await redis.hgetall(key);
    case 'list':
      return await redis.lrange(key, 0, -1);
    case 'set':
      return await redis.smembers(key);
    case 'zset':
      return await redis.zrange(key, 0, -1, 'WITHSCORES');
    case 'stream':
      return await redis.xrange(key, '-', '+');
    default:
      return type;
  }
}

/** Every key under `prefix:` with its value, whatever its type. */
export async function redisHaystacks(redis: RedisClient, prefix: string): Promise<Haystack[]> {
  const out: Haystack[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys)
      out.push({ where: `redis ${key}`, text: `${key}\n${JSON.stringify(await redisValue(redis, key))}` });
  } while (cursor !== '0');
  return out;
}

/** Every row of every table of the database, binary columns as text and as base64. */
export async function databaseHaystacks(ds: DataSource): Promise<Haystack[]> {
  const tables = await ds.query<{ t: string }[]>(
    'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()',
  );
  const out: Haystack[] = [];
  for (const { t } of tables) {
    const rows = await ds.query<Record<string, unknown>[]>(`SELECT * FROM \`${t}\``);
    const text = JSON.stringify(rows, (_k, v: unknown) =>
      v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer'
        ? Buffer.from((v as { data: number[] }).data).toString('latin1')
        : v,
    );
    out.push({ where: `table ${t} (${rows.length} rows)`, text });
  }
  return out;
}
