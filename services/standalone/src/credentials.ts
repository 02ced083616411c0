/**
 * Credentials `npm start` makes up on first run and keeps under ./data (mode 600), so a restart
 * keeps the same API token, dashboard password and, above all, the same encryption key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalCredentials {
  apiToken: string;
  dashboardUser: string;
  dashboardPassword: string;
  encryptionKey: string;
  simulatorControlKey: string;
  /** Keeps the demo simulator's paging and delta links valid across restarts. */
  simulatorTokenSecret: string;
}

export function loadOrCreateCredentials(dataDir: string): { credentials: LocalCredentials; created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalCredentials>;
    const credentials = { ...fresh(), ...stored };
    if (Object.keys(stored).length !== Object.keys(credentials).length) save(file, credentials);
    return { credentials, created: false };
  }
  const credentials = fresh();
  save(file, credentials);
  return { credentials, created: true };
}

function fresh(): LocalCredentials {
  return {
    apiToken: randomBytes(24).toString('base64url'),
    dashboardUser: 'admin',
    dashboardPassword: randomBytes(18).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
    simulatorControlKey: randomBytes(18).toString('base64url'),
    simulatorTokenSecret: randomBytes(32).toString('base64url'),
  };
}

function save(file: string, c: LocalCredentials): void {
  writeFileSync(file, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
}
