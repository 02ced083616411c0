/**
 * What a sign-in refuses before and after Microsoft: settings that are not origins, links whose
 * returnTo is not on the allow-list (each trick of the issue), sign-in switched off, and
 * Microsoft's own errors, shown on an escaped page that names the portal step.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  ONES_ORIGIN,
  simUser,
  startSignInHarness,
  TestBrowser,
  type SignInHarness,
} from '../../support/sign-in-harness.js';

const RETURN_TO_TRICKS = [
  'https://ones.example.com.evil.test/login',
  'https://evil.test/https://ones.example.com',
  '//evil.test/login',
  '///evil.test/login',
  'https:/evil.test/login',
  'https:evil.test',
  'https://ones.example.com@evil.test/login',
  'https://ones.example.com:pw@evil.test/',
  'https://user@ones.example.com/login',
  'https://evil.test\\@ones.example.com/',
  'https://ones.example.com\\evil.test',
  'https:\\\\evil.test',
  'https://ones.example.com%2F@evil.test',
  'https://ones.example.com%2eevil.test/',
  'https%3A%2F%2Fones.example.com%2Flogin',
  'http://ones.example.com/login',
  'https://ones.example.com:8443/login',
  'https://ones.example.co/login',
  ' https://ones.example.com/login',
  'https://ones.example.com/\nlogin',
  'javascript://ones.example.com/%0aalert(1)',
  '/login',
  '',
];

describe('sign-in: refusals', () => {
  let s: SignInHarness;
  let id: string;

  before(async () => {
    s = await startSignInHarness();
    id = await s.createSignIn();
    await s.syncUsers(id, [simUser(s.sim, 1)]);
  });
  after(async () => s?.close());
  afterEach(() => s.sim.clearFaults());

  const userSettings = (signIn: unknown) =>
    s.h.call(`/api/v1/integrations/${id}/user-settings`, {
      method: 'PUT',
      json: { defaultGroupIds: [], cardNumber: { enabled: false }, loginButtonName: 'Sign in with Contoso', signIn },
    });
  const stateKeys = async () => (await s.h.redis.keys(`${s.h.config.keyPrefix}:sso:state:*`)).length;

  it('user settings: each return origin must be an https origin (http only on localhost); each bad one is named', async () => {
    const r = await userSettings({
      enabled: true,
      allowedReturnOrigins: [
        'http://ones.example.com',
        'https://ones.example.com/login',
        'https://u:p@ones.example.com',
        'http://localhost:8080',
        'HTTPS://Ones.Example.com/',
      ],
    });
    expect(r.status).to.equal(400);
    expect(r.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal([
      'body.signIn.allowedReturnOrigins.0',
      'body.signIn.allowedReturnOrigins.1',
      'body.signIn.allowedReturnOrigins.2',
    ]);
    const empty = await userSettings({ enabled: true, allowedReturnOrigins: [] });
    expect(empty.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal([
      'body.signIn.allowedReturnOrigins',
    ]);
    const ok = await userSettings({
      enabled: true,
      allowedReturnOrigins: ['http://localhost:8080', 'HTTPS://Ones.Example.com/', 'http://127.0.0.1:3001'],
    });
    expect(ok.status).to.equal(200);
    expect(ok.body.userSettings.signIn.allowedReturnOrigins).to.deep.equal([
      'http://localhost:8080',
      ONES_ORIGIN,
      'http://127.0.0.1:3001',
    ]);
  });

  for (const trick of RETURN_TO_TRICKS) {
    it(`returnTo ${JSON.stringify(trick)} is refused with a 400 page, before Microsoft and without a pending sign-in`, async () => {
      const before = await stateKeys();
      const res = await new TestBrowser().get(`${s.base}/auth/${id}/login?returnTo=${encodeURIComponent(trick)}`);
      expect(res.status).to.equal(400);
      expect(res.location).to.equal(null);
      expect(res.body).to.match(/return_to_not_allowed|invalid_request/);
      expect(await stateKeys()).to.equal(before);
    });
  }

  it('an allowed returnTo with any path, query or fragment is accepted', async () => {
    for (const ok of [ONES_ORIGIN, `${ONES_ORIGIN}/`, `${ONES_ORIGIN}?a=1`, `${ONES_ORIGIN}/x/y?z=%2F#f`]) {
      const res = await new TestBrowser().get(`${s.base}/auth/${id}/login?returnTo=${encodeURIComponent(ok)}`);
      expect(res.status, ok).to.equal(302);
      expect(new URL(res.location!).origin).to.equal(s.sim.loginUrl);
    }
  });

  it('a repeated returnTo, a bad integration id, an unknown integration and sign-in switched off each have their page', async () => {
    const twice = await new TestBrowser().get(
      `${s.base}/auth/${id}/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}&returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
    );
    expect(twice.status).to.equal(400);
    expect(twice.body).to.contain('query.returnTo');
    const bad = await new TestBrowser().get(
      `${s.base}/auth/not-an-id/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
    );
    expect(bad.status).to.equal(400);
    expect(bad.body).to.contain('params.id');
    const unknown = await new TestBrowser().get(
      `${s.base}/auth/6f1c1a52-3b7e-4e0e-9a51-0f6a4a3d2c10/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
    );
    expect(unknown.status).to.equal(404);
    const off = await s.create({ clientId: randomUUID() }); // another app: one live integration per tenant and app
    const disabled = await new TestBrowser().get(
      `${s.base}/auth/${off}/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
    );
    expect(disabled.status).to.equal(400);
    expect(disabled.body).to.contain('sign_in_disabled');
  });

  it('a callback without a state, or with one never issued, is refused', async () => {
    for (const q of ['', '?code=abc', '?code=abc&state=never-issued', '?state=x&state=y']) {
      const res = await new TestBrowser().get(`${s.base}/auth/callback${q}`);
      expect(res.status, q).to.equal(400);
      expect(res.body).to.contain('unknown_state');
    }
  });

  const MICROSOFT_ERRORS = [
    {
      error: 'invalid_request',
      code: 50011,
      expect: ['The Redirect URI is not registered', 'Authentication → Add a platform → Web', '/auth/callback'],
    },
    { error: 'consent_required', code: 65001, expect: ['no consent', 'API permissions', 'Grant admin consent'] },
    { error: 'unauthorized_client', code: 700016, expect: ['not found in the directory', 'Client ID and Tenant ID'] },
    { error: 'access_denied', code: 65004, expect: ['Consent was declined'] },
  ];
  for (const e of MICROSOFT_ERRORS) {
    it(`Microsoft's AADSTS${e.code} comes back as a page saying what to do, with no ticket`, async () => {
      s.sim.addSignInErrorFault({ error: e.error, code: e.code });
      const end = await new TestBrowser(simUser(s.sim, 1).upn).go(
        `${s.base}/auth/${id}/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
      );
      expect(end.status).to.be.within(400, 499);
      expect(end.location).to.equal(null);
      expect(end.body).to.contain(`aadsts_${e.code}`);
      for (const text of e.expect) expect(end.body.replace(/&amp;/g, '&')).to.contain(text);
    });
  }

  it("the token endpoint's refusal of the app's secret (AADSTS7000215) shows the portal step, with no ticket", async () => {
    // By domain: a second live integration of this tenant and app must name the tenant differently.
    const wrongSecret = await s.createSignIn({ clientSecret: 'not-the-secret', tenantId: s.sim.tenantInfo().domain });
    await s.syncUsers(wrongSecret, [simUser(s.sim, 1)]);
    const tickets = async () => s.h.redis.keys(`${s.h.config.keyPrefix}:sso:ticket:*`);
    const before = await tickets();
    const end = await new TestBrowser(simUser(s.sim, 1).upn).go(
      `${s.base}/auth/${wrongSecret}/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
    );
    expect(end.status).to.equal(400);
    expect(end.body).to.contain('aadsts_7000215').and.contain('Certificates &amp; secrets');
    expect(end.body).not.to.contain('not-the-secret');
    expect((await tickets()).filter((k) => !before.includes(k))).to.deep.equal([]);
  });

  it('an unknown Microsoft error is shown escaped: nothing it echoes becomes markup', async () => {
    s.sim.addSignInErrorFault({
      error: 'server_error',
      code: 90000,
      description: '<script>alert("x")</script><img src=x onerror=alert(1)>',
    });
    const end = await new TestBrowser(simUser(s.sim, 1).upn).go(
      `${s.base}/auth/${id}/login?returnTo=${encodeURIComponent(ONES_ORIGIN)}`,
    );
    expect(end.status).to.equal(400);
    expect(end.body).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(end.body).not.to.contain('<script').and.not.to.contain('<img');
  });

  it('the OpenAPI document lists the sign-in routes, the pages as HTML', async () => {
    const doc = (await s.h.call('/api/v1/openapi.json')).body;
    expect(doc.paths).to.include.keys(
      '/auth/{id}/login',
      '/auth/callback',
      '/api/v1/integrations/{id}/login-options',
      '/api/v1/sso/redeem',
    );
    expect(doc.paths['/auth/callback'].get.responses['400'].content).to.have.key('text/html');
    expect(doc.paths['/api/v1/sso/redeem'].post.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/integrations/{id}/login-options'].get.security).to.deep.equal([]);
  });
});
