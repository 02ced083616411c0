/**
 * GET /{tenant}/oauth2/v2.0/authorize: the sign-in page. There is no password: a test "signs in as"
 * a user by adding `login_hint=<upn or mail>` (or `sim_user=<object id>`) to the URL MSAL built;
 * the answer is then a 302 to redirect_uri with code and state. Without either, the page lists
 * users as links that do exactly that. Entra's own errors (AADSTS50011, 700016…) show as an error
 * page (HTTP 400) and are NOT redirected, as Entra does for an untrusted redirect URI.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SimContext } from '../context.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { Tenant } from '../tenant/tenant.js';
import { redirectMismatch, redirectUriAllowed, resolveApp, resolveTenant } from './client-auth.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function errorPage(fail: SimResponse): SimResponse {
  const body = fail.body as { error?: string; error_description?: string };
  return {
    status: fail.status === 401 ? 400 : fail.status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><html><body><h1>Sign in</h1><p id="error">${escapeHtml(body.error ?? 'error')}</p><p id="error_description">${escapeHtml(body.error_description ?? '')}</p></body></html>`,
  };
}

function redirectTo(uri: string, params: Record<string, string>, mode: string | null): SimResponse {
  if (mode === 'form_post') {
    const inputs = Object.entries(params)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(uri)}">${inputs}</form></body></html>`,
    };
  }
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return { status: 302, headers: { location: u.toString(), 'cache-control': 'no-store' }, body: '' };
}

export function authorizeEndpoint(ctx: SimContext, req: SimRequest): SimResponse {
  const q = req.query;
  const t = resolveTenant(ctx, req.params.tenant ?? '');
  if ('fail' in t) return errorPage(t.fail);
  const a = resolveApp(t.ok, q.get('client_id'));
  if ('fail' in a) return errorPage(a.fail);
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectUriAllowed(a.ok, redirectUri)) return errorPage(redirectMismatch(a.ok, redirectUri));
  const mode = q.get('response_mode');
  const state = q.get('state');
  const fail = (error: string, description: string): SimResponse =>
    redirectTo(redirectUri, { error, error_description: description, ...(state ? { state } : {}) }, mode);
  if (q.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'AADSTS700054: response_type is not enabled for the application.');
  const method = q.get('code_challenge_method') ?? (q.get('code_challenge') ? 'plain' : null);
  if (method && method !== 'S256' && method !== 'plain')
    return fail('invalid_request', 'AADSTS501491: Invalid size of Code_Challenge parameter.');
  const hint = q.get('sim_user') ?? q.get('login_hint');
  if (!hint) {
    if (q.get('prompt') === 'none')
      return fail('login_required', 'AADSTS50058: A silent sign-in request was sent but no user is signed in.');
    return userPicker(t.ok, a.ok.displayName, req);
  }
  const user = t.ok.findUser(hint);
  if (!user || user.state !== 'active') {
    return errorPage({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description: `AADSTS50034: The user account ${hint} does not exist in the ${t.ok.domain} directory. To sign into this application, the account must be added to the directory.`,
      },
    });
  }
  if (user.props.accountEnabled === false) {
    return errorPage({
      status: 400,
      body: { error: 'invalid_request', error_description: 'AADSTS50057: The user account is disabled.' },
    });
  }
  const injected = ctx.faults.takeSignInError();
  if (injected)
    return fail(
      injected.error,
      `AADSTS${injected.code}: ${injected.description ?? 'The sign-in was refused (simulated).'}`,
    );
  const code = randomBytes(32).toString('base64url');
  ctx.authCodes.set(code, {
    tenantId: t.ok.id,
    clientId: a.ok.appId,
    redirectUri,
    userId: user.id,
    scope: q.get('scope') ?? 'openid profile',
    expiresAt: Date.now() + 600_000,
    ...(q.get('nonce') ? { nonce: q.get('nonce')! } : {}),
    ...(q.get('code_challenge')
      ? { codeChallenge: q.get('code_challenge')!, codeChallengeMethod: method ?? 'plain' }
      : {}),
  });
  if (ctx.authCodes.size > 10_000) pruneCodes(ctx);
  return redirectTo(redirectUri, { code, ...(state ? { state } : {}), session_state: randomUUID() }, mode);
}

function pruneCodes(ctx: SimContext): void {
  const now = Date.now();
  for (const [k, v] of ctx.authCodes) if (v.expiresAt < now) ctx.authCodes.delete(k);
}

const PICKER_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}' +
  'ul{list-style:none;padding:0}li a{display:block;padding:.5rem .75rem;margin:.25rem 0;border:1px solid #ccc;border-radius:4px;color:#222;text-decoration:none}' +
  'li a:hover{background:#f0f6ff}small{color:#666}';

/** The sign-in page: "Pick an account" among the tenant's first 50 users (no password in a simulator). */
function userPicker(tenant: Tenant, appName: string, req: SimRequest): SimResponse {
  const users = tenant.users.slice(0, 50).filter((u) => u.state === 'active');
  const links = users
    .map((user) => {
      const upn = String(user.props.userPrincipalName);
      const q = new URLSearchParams(req.query);
      q.set('login_hint', upn);
      const name = typeof user.props.displayName === 'string' ? user.props.displayName : upn;
      const disabled = user.props.accountEnabled === false ? ' (disabled)' : '';
      return `<li><a data-upn="${escapeHtml(upn)}" href="?${escapeHtml(q.toString())}">${escapeHtml(name)}${disabled}<br><small>${escapeHtml(upn)}</small></a></li>`;
    })
    .join('');
  return {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body:
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title><style>${PICKER_STYLE}</style></head><body>` +
      `<h1>Pick an account</h1><p>Sign in to <strong>${escapeHtml(appName)}</strong> with an account of ${escapeHtml(tenant.displayName)}.</p>` +
      `<p><small>Graph simulator: no password; or add login_hint=&lt;upn&gt; to the URL.</small></p><ul id="accounts">${links}</ul></body></html>`,
  };
}
