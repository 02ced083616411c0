/**
 * Where a browser may be sent back after sign-in: only to a URL on one of the integration's
 * allowed origins, compared exactly. Both the raw text and the parsed URL must agree, so that no
 * reading of the string (a browser's, a proxy's, ours) can land on another host: look-alike hosts
 * (`https://ones.example.com.evil.test`), scheme-relative and malformed schemes (`//evil.test`,
 * `https:/evil.test`), userinfo (`https://ones.example.com@evil.test`), backslashes and
 * percent-encoded separators are all refused.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const UNSAFE_CHARACTERS = /[\\\s\u0000-\u001f\u007f]/;

/** The URL to redirect to, or null when `raw` is not on an allowed origin. */
export function allowedReturnTo(raw: string, allowedOrigins: readonly string[]): URL | null {
  if (raw.length > 2000 || UNSAFE_CHARACTERS.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const origin = allowedOrigins.find((o) => url.origin === o && startsWithOrigin(raw, o));
  return origin ? url : null;
}

/** `raw` is exactly `origin`, or `origin` followed by the start of a path, query or fragment. */
function startsWithOrigin(raw: string, origin: string): boolean {
  if (!raw.toLowerCase().startsWith(origin.toLowerCase())) return false;
  const next = raw.charAt(origin.length);
  return next === '' || next === '/' || next === '?' || next === '#';
}

/** `returnTo` with `ticket` added to its query (any `ticket` it had is replaced). */
export function withTicket(returnTo: URL, ticket: string): string {
  const url = new URL(returnTo);
  url.searchParams.set('ticket', ticket);
  return url.toString();
}
