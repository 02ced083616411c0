/**
 * One signed POST of a delivery body to EVENTS_WEBHOOK_URL: any 2xx acknowledges it; anything
 * else, a redirect (never followed: a receiver that moved must be configured anew), a network
 * error or no answer within 10 seconds is a failure to retry.
 */
import { SIGNATURE_HEADER, signatureHeader } from '@ones-m365/shared/events';

export const DELIVERY_TIMEOUT_MS = 10_000;

export type PostResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export type WebhookPost = (body: string) => Promise<PostResult>;

export function webhookPoster(
  webhook: { url: string; secret: string },
  opts: { timeoutMs?: number; now?: () => number } = {},
): WebhookPost {
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const now = opts.now ?? Date.now;
  return async (body) => {
    const timestamp = Math.floor(now() / 1000);
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'ones-m365',
          [SIGNATURE_HEADER]: signatureHeader(webhook.secret, body, timestamp),
        },
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      const what =
        res.status >= 300 && res.status < 400 ? `redirect (${res.status}) not followed` : `HTTP ${res.status}`;
      return { ok: false, status: res.status, error: `the receiver answered ${what}` };
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      return {
        ok: false,
        status: null,
        error: timedOut
          ? `no answer within ${timeoutMs / 1000} s`
          : `request failed: ${(e.cause as Error | undefined)?.message ?? e.message}`,
      };
    }
  };
}
