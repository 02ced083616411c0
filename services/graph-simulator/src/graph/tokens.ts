/**
 * Opaque, HMAC-signed paging and delta tokens. Everything needed to resume (position, change-log
 * sequence, $select, window…) lives inside the token, so the server keeps no per-token state and
 * memory does not grow with the number of pages served.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export class TokenCodec {
  constructor(private readonly secret: Buffer) {}

  encode(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  decode<T extends object>(token: string | null | undefined): T | null {
    if (!token) return null;
    const dot = token.lastIndexOf('.');
    if (dot < 1) return null;
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(body));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return null;
    try {
      const v: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return v && typeof v === 'object' ? (v as T) : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}
