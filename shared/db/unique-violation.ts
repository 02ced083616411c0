/**
 * A unique-key violation from either database the service runs on: MySQL/MariaDB `ER_DUP_ENTRY`
 * and SQLite `SQLITE_CONSTRAINT_UNIQUE` / `SQLITE_CONSTRAINT_PRIMARYKEY`. TypeORM
 * wraps the driver's error (`QueryFailedError.driverError`), so both levels are looked at.
 */
const UNIQUE_CODES = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code, driverError } = err as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string' && UNIQUE_CODES.has(code)) return true;
  return driverError !== undefined && driverError !== err && isUniqueViolation(driverError);
}
