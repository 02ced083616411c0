/**
 * The demo's stand-in for ONES's login page (`npm start` only): its own origin, the button with
 * the integration's configured name (from `login-options`), and, back from Microsoft, who signed
 * in, learnt as ONES's server would, by redeeming the ticket server-side with the API token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoLoginPage {
  origin: string;
  close(): Promise<void>;
}

interface Deps {
  apiBase: string;
  apiToken: string;
  integrationId: string;
}

const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}' +
  'a.button{display:inline-block;padding:.7rem 1.2rem;background:#2f6fed;color:#fff;border-radius:4px;text-decoration:none}dt{color:#666}';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body><h1>${esc(title)}</h1>${body}</body></html>`;
}

/** Listens on 127.0.0.1:`port` (a free port when that one is taken). */
export async function startDemoLoginPage(deps: Deps, port: number): Promise<DemoLoginPage> {
  let origin = '';
  const server = createServer((req, res) => {
    handle(deps, origin, req).then(
      ({ status, html }) => send(res, status, html),
      (err: Error) => send(res, 502, page('ONES (demo)', `<p>The api did not answer: ${esc(err.message)}</p>`)),
    );
  });
  const actual = await listen(server, port).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    return await listen(server, 0);
  });
  origin = `http://127.0.0.1:${actual}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(html);
}

async function handle(deps: Deps, origin: string, req: IncomingMessage): Promise<{ status: number; html: string }> {
  const url = new URL(req.url ?? '/', origin);
  if (req.method !== 'GET') return { status: 405, html: page('ONES (demo)', '<p>Method not allowed.</p>') };
  if (url.pathname === '/') return await loginPage(deps, origin);
  if (url.pathname === '/signed-in') return await signedInPage(deps, origin, url.searchParams.get('ticket'));
  return { status: 404, html: page('ONES (demo)', '<p>Not found.</p>') };
}

async function loginPage(deps: Deps, origin: string): Promise<{ status: number; html: string }> {
  const res = await fetch(`${deps.apiBase}/api/v1/integrations/${deps.integrationId}/login-options`);
  const options = (await res.json()) as { enabled?: boolean; buttonName?: string; loginUrl?: string };
  if (!res.ok || !options.enabled)
    return {
      status: 200,
      html: page('ONES (demo) login', '<p>Sign-in with Microsoft is not enabled for the demo integration.</p>'),
    };
  const href = `${options.loginUrl}?returnTo=${encodeURIComponent(`${origin}/signed-in`)}`;
  return {
    status: 200,
    html: page(
      'ONES (demo) login',
      `<p>This page plays ONES's login page.</p><p><a id="sign-in" class="button" href="${esc(href)}">${esc(options.buttonName)}</a></p>`,
    ),
  };
}

async function signedInPage(
  deps: Deps,
  origin: string,
  ticket: string | null,
): Promise<{ status: number; html: string }> {
  const again = `<p><a href="${esc(`${origin}/`)}">Back to the login page</a></p>`;
  if (!ticket) return { status: 400, html: page('Not signed in', `<p>No ticket.</p>${again}`) };
  const res = await fetch(`${deps.apiBase}/api/v1/sso/redeem`, {
    method: 'POST',
    headers: { authorization: `Bearer ${deps.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ticket, integrationId: deps.integrationId }),
  });
  const body = (await res.json()) as { user?: Record<string, unknown>; error?: { code: string; message: string } };
  if (!res.ok || !body.user)
    return {
      status: res.status,
      html: page('Not signed in', `<p id="error">${esc(body.error?.code)}: ${esc(body.error?.message)}</p>${again}`),
    };
  const u = body.user;
  const rows = [
    ['Name', u.displayName],
    ['User principal name', u.userPrincipalName],
    ['Mail', u.mail],
    ['Object ID', u.graphId],
    ['Card number', u.cardNumber ?? '—'],
  ]
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('');
  return {
    status: 200,
    html: page(
      'Signed in',
      `<p id="who">Signed in as <strong>${esc(u.displayName)}</strong> (${esc(u.userPrincipalName)}).</p><dl>${rows}</dl>${again}`,
    ),
  };
}
