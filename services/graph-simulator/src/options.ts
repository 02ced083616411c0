/** Options of startGraphSimulator(). */
import type { Settings } from './settings.js';
import type { Cloud } from './tenant/model.js';
import type { SeedSpec } from './tenant/seed.js';

export interface GraphSimulatorOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The cloud this instance plays (default 'global'). Tenants homed in the other cloud get AADSTS90038. */
  cloud?: Cloud;
  /** The primary tenant (default: seed 1, 50 users, 10 rooms). */
  seed?: SeedSpec;
  /** Key for the control API (`x-simulator-key` header); random when absent. */
  controlKey?: string;
  /** Where ca.pem / ca-key.pem live (reused when present). Default: a fresh temp dir. */
  dataDir?: string;
  /** Secret that signs paging/delta tokens (random when absent). Same secret + same seed → tokens valid across instances. */
  tokenSecret?: string;
  /** Extra DNS names / IPs for the server certificate (besides localhost, 127.0.0.1, ::1). */
  extraHosts?: string[];
  /** Shortcut for settings.allowHttpNotificationUrls. */
  allowHttpNotificationUrls?: boolean | 'loopback';
  /** Shortcut for settings.deltaPageSize. */
  deltaPageSize?: number;
  /** Any behaviour switch (see Settings). */
  settings?: Partial<Settings>;
}
