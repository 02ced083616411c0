/**
 * The plain HTML page a failed sign-in shows: what happened, what to do, and for an admin's
 * mistake the portal step. Every value it shows is HTML-escaped; no stack trace, token or code.
 */
import type { Response } from 'express';
import type { SignInFailureInfo } from '@ones-m365/shared/sso';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => HTML_ESCAPES[c]!);
}

/** Headers of every sign-in page and redirect: never cached, never framed, no inline code. */
export function setPageHeaders(res: Response): void {
  res.set({
    'cache-control': 'no-store',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  });
}

export function renderFailurePage(info: SignInFailureInfo, context: { redirectUri: string }): string {
  const hint = info.hint ? `<p id="hint"><strong>How to fix it:</strong> ${escapeHtml(info.hint)}</p>` : '';
  const redirect =
    info.code === 'aadsts_50011'
      ? `<p>Redirect URI: <code id="redirect-uri">${escapeHtml(context.redirectUri)}</code></p>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .2rem}small{color:#666}</style>
</head><body>
<h1 id="title">${escapeHtml(info.title)}</h1>
<p id="message">${escapeHtml(info.message)}</p>
${hint}${redirect}
<p><small>Error code: <code id="code">${escapeHtml(info.code)}</code></small></p>
</body></html>
`;
}

export function sendFailurePage(res: Response, info: SignInFailureInfo, context: { redirectUri: string }): void {
  setPageHeaders(res);
  res.status(info.status).type('html').send(renderFailurePage(info, context));
}
