/**
 * Sign in with Microsoft through real parts: the api (MySQL, Redis), the real msal-node talking
 * HTTPS to the simulator's login host, jose against its published keys, and a test browser that
 * follows every redirect.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { sha256Hex } from '@ones-m365/shared/crypto';
import {
  ONES_ORIGIN,
  simUser,
  startSignInHarness,
  TestBrowser,
  type SignInHarness,
} from '../../support/sign-in-harness.js';

describe('sign-in: the flow, end to end', () => {
  let s: SignInHarness;
  let id: string;
  const alice = () => simUser(s.sim, 1);

  before(async () => {
    s = await startSignInHarness();
    id = await s.createSignIn();
    await s.syncUsers(id, [alice(), { ...simUser(s.sim, 2), active: false }]);
  });
  after(async () => s?.close());
  afterEach(() => s.sim.clearFaults());

  const loginUrl = (returnTo = `${ONES_ORIGIN}/login?next=%2Fdesk`) =>
    `${s.base}/auth/${id}/login?returnTo=${encodeURIComponent(returnTo)}`;
  const redeem = (ticket: string, over: Record<string, unknown> = {}) =>
    s.h.call('/api/v1/sso/redeem', { method: 'POST', json: { ticket, ...over } });
  const ticketOf = (location: string | null) => (location ? new URL(location).searchParams.get('ticket') : null);

  it("login options tell ONES's login page the button and where it leads, without authentication", async () => {
    const r = await s.h.call(`/api/v1/integrations/${id}/login-options`, { auth: false });
    expect(r.status).to.equal(200);
    expect(r.body).to.deep.equal({
      enabled: true,
      buttonName: 'Sign in with Contoso',
      loginUrl: `${s.base}/auth/${id}/login`,
    });
    const off = await s.create({ clientId: randomUUID() }); // another app: one live integration per tenant and app
    expect((await s.h.call(`/api/v1/integrations/${off}/login-options`, { auth: false })).body.enabled).to.equal(false);
    expect(
      (await s.h.call('/api/v1/integrations/6f1c1a52-3b7e-4e0e-9a51-0f6a4a3d2c10/login-options', { auth: false }))
        .status,
    ).to.equal(404);
    const bad = await s.h.call('/api/v1/integrations/nope/login-options', { auth: false });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('params.id');
  });

  it('happy path: login → Microsoft (PKCE S256, state, nonce, single tenant) → callback → returnTo with a ticket → redeemed once', async () => {
    const browser = new TestBrowser(alice().upn);
    const end = await browser.go(loginUrl());
    const toMicrosoft = new URL(browser.hops[0]!.location!);
    expect(toMicrosoft.origin + toMicrosoft.pathname).to.equal(
      `${s.sim.loginUrl}/${s.sim.tenantId}/oauth2/v2.0/authorize`,
    );
    expect(toMicrosoft.searchParams.get('code_challenge_method')).to.equal('S256');
    expect(toMicrosoft.searchParams.get('state')).to.have.length.greaterThan(40);
    expect(toMicrosoft.searchParams.get('nonce')).to.have.length.greaterThan(40);
    expect(toMicrosoft.searchParams.get('scope')!.split(' ')).to.include.members(['openid', 'profile']);
    expect(toMicrosoft.searchParams.get('redirect_uri')).to.equal(`${s.base}/auth/callback`);
    expect(browser.hops[0]!.setCookie[0])
      .to.match(/HttpOnly/i)
      .and.match(/SameSite=Lax/i);

    const back = new URL(end.location!);
    expect(back.origin + back.pathname).to.equal(`${ONES_ORIGIN}/login`);
    expect(back.searchParams.get('next')).to.equal('/desk');
    const ticket = back.searchParams.get('ticket')!;
    const r = await redeem(ticket, { integrationId: id });
    expect(r.status).to.equal(200);
    expect(r.body.integrationId).to.equal(id);
    expect(r.body.user).to.include({ graphId: alice().id, userPrincipalName: alice().upn });
    expect(r.body.user).to.have.keys(
      'id',
      'graphId',
      'userPrincipalName',
      'mail',
      'displayName',
      'cardNumber',
      'groupIds',
    );
    const again = await redeem(ticket);
    expect(again.status).to.equal(410);
    expect(again.body.error.code).to.equal('ticket_expired');
  });

  it("once the tenant's discovery and keys are cached, a sign-in costs the login host the browser's two pages and one token request", async () => {
    await new TestBrowser(alice().upn).go(loginUrl());
    s.sim.resetCounters();
    await new TestBrowser(alice().upn).go(loginUrl());
    const rows = s.sim.counters().filter((r) => !r.route.startsWith('/v1.0'));
    expect(rows.map((r) => `${r.method} ${r.route} ${r.status} ×${r.count}`)).to.deep.equal([
      'GET /{tenant}/oauth2/v2.0/authorize 200 ×1',
      'GET /{tenant}/oauth2/v2.0/authorize 302 ×1',
      'POST /{tenant}/oauth2/v2.0/token 200 ×1',
    ]);
  });

  it('keeps no readable ticket in Redis (only its hash), lives 60 s, and is refused once expired', async () => {
    const end = await new TestBrowser(alice().upn).go(loginUrl());
    const ticket = ticketOf(end.location)!;
    const key = `${s.h.config.keyPrefix}:sso:ticket:${sha256Hex(ticket)}`;
    const ttl = await s.h.redis.pttl(key);
    expect(ttl).to.be.greaterThan(0).and.at.most(60_000);
    expect(await s.h.redis.keys(`*${ticket}*`)).to.deep.equal([]);
    await s.h.redis.pexpire(key, 1);
    while (await s.h.redis.exists(key)) await new Promise((r) => setTimeout(r, 5));
    const r = await redeem(ticket);
    expect(r.status).to.equal(410);
    expect(r.body.error.code).to.equal('ticket_expired');
  });

  it('a ticket is bound to its integration: redeeming it for another one fails and burns it', async () => {
    const ticket = ticketOf((await new TestBrowser(alice().upn).go(loginUrl())).location)!;
    expect((await redeem(ticket, { integrationId: '6f1c1a52-3b7e-4e0e-9a51-0f6a4a3d2c10' })).status).to.equal(410);
    expect((await redeem(ticket, { integrationId: id })).status).to.equal(410);
  });

  it('redeem: 400 naming the bad field, 401 without the bearer token', async () => {
    const bad = await s.h.call('/api/v1/sso/redeem', { method: 'POST', json: { ticket: '' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['body.ticket']);
    expect(
      (await s.h.call('/api/v1/sso/redeem', { method: 'POST', json: { ticket: 'x' }, auth: false })).status,
    ).to.equal(401);
  });

  it('a replayed state (the same callback twice) is refused the second time, without a ticket', async () => {
    const browser = new TestBrowser(alice().upn);
    const end = await browser.go(loginUrl());
    expect(ticketOf(end.location)).to.be.a('string');
    const callback = browser.hops.find((h) => h.url.startsWith(`${s.base}/auth/callback`))!.url;
    const replay = await browser.get(callback);
    expect(replay.status).to.equal(400);
    expect(replay.location).to.equal(null);
    expect(replay.body).to.contain('unknown_state').and.contain('expired or was already used');
  });

  it('a callback in a browser that did not start the sign-in is refused (login CSRF)', async () => {
    const browser = new TestBrowser(alice().upn);
    const toMicrosoft = (await browser.get(loginUrl())).location!;
    const callback = (await browser.get(`${toMicrosoft}&login_hint=${encodeURIComponent(alice().upn)}`)).location!;
    const other = await new TestBrowser().get(callback);
    expect(other.status).to.equal(400);
    expect(other.body).to.contain('browser_mismatch');
    expect((await browser.get(callback)).status).to.equal(400); // the state was consumed by the failed attempt
  });

  it('sign-in is refused for an unknown user and for a deactivated one, matched by object ID only', async () => {
    const stranger = simUser(s.sim, 3);
    const unknown = await new TestBrowser(stranger.upn).go(loginUrl());
    expect(unknown.status).to.equal(403);
    expect(unknown.body).to.contain('unknown_user');
    const deactivated = await new TestBrowser(simUser(s.sim, 2).upn).go(loginUrl());
    expect(deactivated.status).to.equal(403);
    expect(deactivated.body).to.contain('deactivated_user');
    // A synced user whose UPN and mail are the stranger's, but another object ID, is not the stranger.
    await s.syncUsers(id, [{ id: '0b0e3d55-8a56-4d5e-9d2b-6f2ec6a5e001', upn: stranger.upn }]);
    expect((await new TestBrowser(stranger.upn).go(loginUrl())).body).to.contain('unknown_user');
  });

  for (const [name, fault, code, status] of [
    ['a token signed by a key the tenant does not publish', { foreignKey: true }, 'invalid_signature', 400],
    ['a token of another tenant', { claims: { tid: '3c1e0f7a-5a44-4c36-8f2e-4b8f3d0c9a11' } }, 'foreign_tenant', 403],
    [
      'a token issued to another application',
      { claims: { aud: '9d4f1b62-1111-2222-3333-444455556666' } },
      'wrong_audience',
      400,
    ],
    ['an expired token', { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }, 'expired', 400],
    ['a token from another issuer', { claims: { iss: 'https://login.evil.test/x/v2.0' } }, 'wrong_issuer', 400],
    ['a token with a wrong nonce', { claims: { nonce: 'not-this-sign-in' } }, 'nonce_mismatch', 400],
  ] as const) {
    it(`refuses ${name} (${code}) and issues no ticket`, async () => {
      s.sim.addIdTokenFault(fault);
      const tickets = async () => s.h.redis.keys(`${s.h.config.keyPrefix}:sso:ticket:*`);
      const before = await tickets();
      const end = await new TestBrowser(alice().upn).go(loginUrl());
      expect(end.status).to.equal(status);
      expect(end.location).to.equal(null);
      expect(end.body).to.contain(code);
      expect((await tickets()).filter((k) => !before.includes(k))).to.deep.equal([]);
    });
  }

  it('an integration that names its tenant by domain checks tid against the GUID its discovery publishes', async () => {
    const byDomain = await s.createSignIn({ tenantId: s.sim.tenantInfo().domain });
    await s.syncUsers(byDomain, [alice()]);
    const end = await new TestBrowser(alice().upn).go(
      `${s.base}/auth/${byDomain}/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
    );
    expect((await redeem(ticketOf(end.location)!, { integrationId: byDomain })).body.user.graphId).to.equal(alice().id);
    s.sim.addIdTokenFault({ claims: { tid: '3c1e0f7a-5a44-4c36-8f2e-4b8f3d0c9a11' } });
    expect(
      (
        await new TestBrowser(alice().upn).go(
          `${s.base}/auth/${byDomain}/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
        )
      ).body,
    ).to.contain('foreign_tenant');
  });

  it('a sign-in in progress when sign-in is switched off, or its origin removed, is refused on its way back', async () => {
    const settings = (signIn: unknown) =>
      s.h.call(`/api/v1/integrations/${id}/user-settings`, {
        method: 'PUT',
        json: { defaultGroupIds: [], cardNumber: { enabled: false }, loginButtonName: 'Sign in with Contoso', signIn },
      });
    const halfway = async () => {
      const browser = new TestBrowser(alice().upn);
      const toMicrosoft = (await browser.get(loginUrl())).location!;
      return {
        browser,
        callback: (await browser.get(`${toMicrosoft}&login_hint=${encodeURIComponent(alice().upn)}`)).location!,
      };
    };
    try {
      const a = await halfway();
      await settings({ enabled: false, allowedReturnOrigins: [ONES_ORIGIN] });
      expect((await a.browser.get(a.callback)).body).to.contain('sign_in_disabled');
      await settings({ enabled: true, allowedReturnOrigins: [ONES_ORIGIN] });
      const b = await halfway();
      await settings({ enabled: true, allowedReturnOrigins: ['https://other.example.com'] });
      expect((await b.browser.get(b.callback)).body).to.contain('return_to_not_allowed');
    } finally {
      await settings({ enabled: true, allowedReturnOrigins: [ONES_ORIGIN] });
    }
  });

  it('a nonce changed on the way to Microsoft is caught when the code is redeemed', async () => {
    const browser = new TestBrowser(alice().upn);
    const toMicrosoft = new URL((await browser.get(loginUrl())).location!);
    toMicrosoft.searchParams.set('nonce', 'attacker-chosen-nonce');
    const end = await browser.go(toMicrosoft.toString());
    expect(end.status).to.equal(400);
    expect(end.body).to.contain('nonce_mismatch');
  });
});
