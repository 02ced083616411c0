/**
 * What a sign-in keeps between its steps, in Redis, each value used once (GETDEL):
 * - a pending sign-in (PKCE verifier, nonce, returnTo, the browser it started in) under the
 *   SHA-256 of its `state`, for `PENDING_TTL_SECONDS`;
 * - a ticket (who signed in, for which integration) under the SHA-256 of the ticket, for
 *   `TICKET_TTL_SECONDS`. Redis holds no value that could be replayed: only hashes are keys.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../queue/index.js';
import { assertKeyPrefix } from '../config/index.js';
import { sha256Hex } from '../crypto/index.js';

export const PENDING_TTL_SECONDS = 600;
export const TICKET_TTL_SECONDS = 60;

export interface PendingSignIn {
  integrationId: string;
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  /** SHA-256 of the browser-binding cookie set when the sign-in started. */
  browserHash: string;
}

export interface SignInTicket {
  integrationId: string;
  userId: string;
}

/** 256 random bits, base64url: states, nonces, tickets, browser bindings. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export class SignInStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    assertKeyPrefix(prefix);
  }

  async savePending(state: string, pending: PendingSignIn): Promise<void> {
    await this.redis.set(this.key('state', state), JSON.stringify(pending), 'EX', PENDING_TTL_SECONDS);
  }

  /** The pending sign-in of `state`, removed in the same step: a second call gets null. */
  async takePending(state: string): Promise<PendingSignIn | null> {
    return parse<PendingSignIn>(await this.redis.getdel(this.key('state', state)));
  }

  /** A new one-time ticket for the user. */
  async issueTicket(ticket: SignInTicket): Promise<string> {
    const value = randomToken();
    await this.redis.set(this.key('ticket', value), JSON.stringify(ticket), 'EX', TICKET_TTL_SECONDS);
    return value;
  }

  /** Who the ticket was issued to, once; null when unknown, used or expired. */
  async redeemTicket(ticket: string): Promise<SignInTicket | null> {
    return parse<SignInTicket>(await this.redis.getdel(this.key('ticket', ticket)));
  }

  private key(kind: 'state' | 'ticket', value: string): string {
    return `${this.prefix}:sso:${kind}:${sha256Hex(value)}`;
  }
}

function parse<T>(raw: string | null): T | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
