/** What every route module gets: the simulator's state and services. */
import type { Counters } from './counters.js';
import type { MailboxGate } from './http/mailbox-gate.js';
import type { Faults } from './faults/faults.js';
import type { TokenCodec } from './graph/tokens.js';
import type { SigningKeys } from './login/keys.js';
import type { Notifier } from './notifications/notifier.js';
import type { SubscriptionStore } from './notifications/subscription-store.js';
import type { Settings } from './settings.js';
import type { Cloud } from './tenant/model.js';
import type { TenantRegistry } from './tenant/registry.js';

export interface AuthCode {
  tenantId: string;
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
}

export interface SimContext {
  cloud: Cloud;
  settings: Settings;
  tenants: TenantRegistry;
  keys: SigningKeys;
  codec: TokenCodec;
  faults: Faults;
  counters: Counters;
  /** Requests in flight per mailbox (Outlook's concurrency limit) and the peaks seen. */
  mailboxes: MailboxGate;
  subscriptions: SubscriptionStore;
  notifier: Notifier;
  /** Issued, not yet redeemed authorization codes (single use, 10 min). */
  authCodes: Map<string, AuthCode>;
}
