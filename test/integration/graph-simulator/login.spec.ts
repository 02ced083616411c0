import { CryptoProvider, type AuthError } from '@azure/msal-node';
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { graphFor, msalFor, trustCa } from '../../support/graph-simulator-clients.js';

async function tokenError(p: Promise<unknown>): Promise<AuthError & { errorNo?: string | number; status?: number }> {
  try {
    await p;
  } catch (e) {
    return e as AuthError & { errorNo?: string | number };
  }
  throw new Error('expected the token request to fail');
}

describe('graph-simulator: login host (real msal-node)', () => {
  let sim: GraphSimulator;
  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 7, users: 20, rooms: 2 } });
    trustCa(sim.caCertPem);
  });
  after(async () => {
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it('publishes OpenID metadata with an issuer on its own host (msal-node 7 validates it)', async () => {
    const res = await fetch(`${sim.loginUrl}/${sim.tenantId}/v2.0/.well-known/openid-configuration`);
    const doc = (await res.json()) as Record<string, string>;
    expect(doc.issuer).to.equal(`${sim.loginUrl}/${sim.tenantId}/v2.0`);
    expect(doc.token_endpoint).to.equal(`${sim.loginUrl}/${sim.tenantId}/oauth2/v2.0/token`);
    const jwks = (await (await fetch(doc.jwks_uri!)).json()) as { keys: { kid: string; kty: string }[] };
    expect(jwks.keys[0]?.kty).to.equal('RSA');
  });

  it('client credentials: the access token lists the consented application permissions as roles', async () => {
    const r = await msalFor(sim).acquireTokenByClientCredential({ scopes: [sim.graphScope] });
    const claims = decodeJwt(r!.accessToken);
    expect(claims.roles).to.have.members(['Calendars.ReadWrite', 'Group.Read.All', 'Place.Read.All', 'User.Read.All']);
    expect(claims.tid).to.equal(sim.tenantId);
    expect(claims.aud).to.equal('https://graph.microsoft.com');
  });

  it('missing consent does not fail the token request: the token has no roles and Graph answers 403', async () => {
    const app = sim.createApp({ permissions: [] });
    const msal = msalFor(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value });
    const r = await msal.acquireTokenByClientCredential({ scopes: [sim.graphScope] });
    expect(decodeJwt(r!.accessToken).roles).to.equal(undefined);
    const err = await graphFor(sim, msal)
      .api('/users')
      .get()
      .then(
        () => null,
        (e: { statusCode: number; code: string }) => e,
      );
    expect(err?.statusCode).to.equal(403);
    expect(err?.code).to.equal('Authorization_RequestDenied');
  });

  it('refusing consent for one permission removes it from later tokens', async () => {
    const app = sim.createApp({});
    sim.setConsent(app.appId, { revoke: ['Place.Read.All'] });
    const msal = msalFor(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value });
    const err = await graphFor(sim, msal)
      .api('/places/microsoft.graph.room')
      .get()
      .then(
        () => null,
        (e: { statusCode: number; code: string }) => e,
      );
    expect(err?.statusCode).to.equal(403);
    expect(err?.code).to.equal('ErrorAccessDenied');
    const users = (await graphFor(sim, msal).api('/users').top(1).get()) as { value: unknown[] };
    expect(users.value).to.have.length(1);
  });

  it('wrong secret → invalid_client AADSTS7000215 (HTTP 401)', async () => {
    const e = await tokenError(
      msalFor(sim, { clientSecret: 'wrong' }).acquireTokenByClientCredential({ scopes: [sim.graphScope] }),
    );
    expect(e.errorCode).to.equal('invalid_client');
    expect(String(e.errorNo)).to.equal('7000215');
    expect(e.errorMessage).to.contain('AADSTS7000215: Invalid client secret');
  });

  it('expired secret → AADSTS7000222', async () => {
    const app = sim.createApp({ secretExpiresAt: new Date(Date.now() - 86_400_000).toISOString() });
    const e = await tokenError(
      msalFor(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value }).acquireTokenByClientCredential({
        scopes: [sim.graphScope],
      }),
    );
    expect(String(e.errorNo)).to.equal('7000222');
  });

  it('app not in tenant → unauthorized_client AADSTS700016', async () => {
    const e = await tokenError(
      msalFor(sim, { clientId: '11111111-2222-3333-4444-555555555555' }).acquireTokenByClientCredential({
        scopes: [sim.graphScope],
      }),
    );
    expect(e.errorCode).to.equal('unauthorized_client');
    expect(String(e.errorNo)).to.equal('700016');
  });

  it('scope without /.default → invalid_scope AADSTS1002012', async () => {
    const e = await tokenError(
      msalFor(sim).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/User.Read.All'] }),
    );
    expect(e.errorCode).to.equal('invalid_scope');
    expect(String(e.errorNo)).to.equal('1002012');
  });

  it('unknown tenant → AADSTS90002 with the OAuth error body shape (HTTP 400)', async () => {
    const res = await fetch(`${sim.loginUrl}/00000000-0000-0000-0000-00000000dead/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        scope: sim.graphScope,
      }),
    });
    expect(res.status).to.equal(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).to.equal('invalid_tenant');
    expect(body.error_codes).to.deep.equal([90002]);
    expect(body.error_description).to.match(/^AADSTS90002: /);
    for (const k of ['trace_id', 'correlation_id', 'timestamp']) expect(body).to.have.property(k);
    // Through MSAL the failure surfaces at authority discovery, as against the real Entra.
    const e = await tokenError(
      msalFor(sim, { tenantId: '00000000-0000-0000-0000-00000000dead' }).acquireTokenByClientCredential({
        scopes: [sim.graphScope],
      }),
    );
    expect(e.errorCode).to.be.a('string');
  });

  it('tenant homed in the other cloud → AADSTS90038', async () => {
    const china = sim.createTenant({ seed: 99, cloud: 'china', users: 1, rooms: 0 });
    const app = china.apps[0]!;
    const e = await tokenError(
      msalFor(sim, {
        tenantId: china.tenantId,
        clientId: app.appId,
        clientSecret: app.secrets[0]!.value,
      }).acquireTokenByClientCredential({ scopes: [sim.graphScope] }),
    );
    expect(String(e.errorNo)).to.equal('90038');
  });

  it('auth code + PKCE + state + nonce: signs in a chosen user non-interactively and returns a matching id_token', async () => {
    const msal = msalFor(sim);
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const user = sim.listUsers({ limit: 3 })[2]!;
    const redirectUri = 'http://127.0.0.1:3000/auth/callback';
    const url = await msal.getAuthCodeUrl({
      scopes: ['openid', 'profile'],
      redirectUri,
      state: 'st-1',
      nonce: 'n-1',
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      loginHint: String(user.props.userPrincipalName),
    });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).to.equal(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).to.equal(redirectUri);
    expect(back.searchParams.get('state')).to.equal('st-1');
    const payload = Object.fromEntries(back.searchParams) as { code: string; state: string };
    const tokens = await msal.acquireTokenByCode(
      {
        code: payload.code,
        scopes: ['openid', 'profile'],
        redirectUri,
        codeVerifier: verifier,
        state: 'st-1',
        nonce: 'n-1',
      },
      payload,
    );
    const id = tokens.idTokenClaims as Record<string, unknown>;
    expect(id.oid).to.equal(user.id);
    expect(id.tid).to.equal(sim.tenantId);
    expect(id.preferred_username).to.equal(user.props.userPrincipalName);
    expect(id.nonce).to.equal('n-1');
    expect(id.aud).to.equal(sim.clientId);
    expect(id.iss).to.equal(`${sim.loginUrl}/${sim.tenantId}/v2.0`);
  });

  it('auth code: a wrong code_verifier is refused and a code is single-use', async () => {
    const msal = msalFor(sim);
    const { challenge } = await new CryptoProvider().generatePkceCodes();
    const redirectUri = 'http://localhost/auth/callback';
    const url = await msal.getAuthCodeUrl({
      scopes: ['openid'],
      redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      loginHint: String(sim.listUsers({ limit: 1 })[0]!.props.userPrincipalName),
    });
    const code = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
    const e = await tokenError(
      msal.acquireTokenByCode({ code, scopes: ['openid'], redirectUri, codeVerifier: 'x'.repeat(43) }),
    );
    expect(String(e.errorNo)).to.equal('501481');
    const again = await tokenError(
      msal.acquireTokenByCode({ code, scopes: ['openid'], redirectUri, codeVerifier: 'x'.repeat(43) }),
    );
    expect(again.errorCode).to.equal('invalid_grant');
  });

  it('authorize with an unregistered redirect URI → AADSTS50011 error page, no redirect', async () => {
    const url = await msalFor(sim).getAuthCodeUrl({
      scopes: ['openid'],
      redirectUri: 'https://evil.example/cb',
      loginHint: 'x',
    });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.contain('AADSTS50011');
  });

  it('authorize without a login_hint lists users to pick', async () => {
    const url = await msalFor(sim).getAuthCodeUrl({
      scopes: ['openid'],
      redirectUri: 'http://127.0.0.1/auth/callback',
    });
    const html = await (await fetch(url)).text();
    expect(html).to.contain(String(sim.listUsers({ limit: 1 })[0]!.props.userPrincipalName));
    expect(html).to.contain('login_hint=');
  });

  it('login-host hang fault: requests are never answered (until the fault is cleared)', async () => {
    sim.setLoginHang(true);
    const started = Date.now();
    const err = await fetch(`${sim.loginUrl}/${sim.tenantId}/v2.0/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(400),
    }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.name).to.equal('TimeoutError');
    expect(Date.now() - started).to.be.gte(390);
    sim.setLoginHang(false);
    const ok = await fetch(`${sim.loginUrl}/${sim.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(ok.status).to.equal(200);
  });
});
