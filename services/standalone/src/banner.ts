/** How `npm start` names the database and Redis it uses in its banner: never with a password. */

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

/** `redis://host:port`, plus where it was started when `npm start` started it. */
export function redisLine(url: string, startedUnder?: string): string {
  return startedUnder ? `${withoutPassword(url)} (started under ${startedUnder})` : withoutPassword(url);
}

/** The SQLite path as is; a MySQL URL without its password. */
export function databaseLine(url: string): string {
  return withoutPassword(url);
}
