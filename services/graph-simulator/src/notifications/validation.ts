/**
 * The subscription validation handshake: POST `<url>?validationToken=<token>`; the endpoint must
 * answer 200, Content-Type text/plain, body = the URL-decoded token, within the timeout (10 s).
 */
import { randomUUID } from 'node:crypto';
import type { Poster } from './post.js';

export async function validateEndpoint(poster: Poster, url: string, timeoutMs: number): Promise<string | null> {
  // Like Graph's, the token has spaces and colons, so an endpoint that echoes it still URL-encoded fails.
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
  const u = new URL(url);
  u.searchParams.set('validationToken', token);
  const r = await poster.post(u.toString(), '', 'text/plain; charset=utf-8', timeoutMs);
  if (r.status === null) {
    return r.error?.startsWith('timed out')
      ? 'Subscription validation request timed out.'
      : `Subscription validation request failed. ${r.error ?? ''}`.trim();
  }
  if (r.status !== 200)
    return `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (got ${r.status})`;
  if (!/^text\/plain/i.test(r.contentType))
    return `Subscription validation request failed. Response must be text/plain (got '${r.contentType}').`;
  if (r.body !== token)
    return 'Subscription validation request failed. Response must exactly match validationToken query parameter.';
  return null;
}
