/** How `npm start` names the database and Redis it uses in its banner: never with a password. */
import type { RedisTarget } from '@ones-m365/shared/config';

/** The URL with its password (and a user's name with it) replaced by `***`. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/**
 * `redis://host:port`, plus where it was started when `npm start` started it; a cluster as its
 * seed nodes (their password is never part of the target's nodes).
 */
export function redisLine(target: RedisTarget, startedUnder?: string): string {
  if (target.kind === 'cluster')
    return `Redis Cluster ${target.nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',')}${target.tls ? ' (TLS)' : ''}`;
  const url = withoutPassword(target.url);
  return startedUnder ? `${url} (started under ${startedUnder})` : url;
}

/** The SQLite path as is; a MySQL URL without its password. */
export function databaseLine(url: string): string {
  return withoutPassword(url);
}
