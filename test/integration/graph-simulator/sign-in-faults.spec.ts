import { CryptoProvider } from '@azure/msal-node';
import { expect } from 'chai';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { msalFor, trustCa } from '../../support/graph-simulator-clients.js';

describe('graph-simulator: sign-in page and sign-in faults', () => {
  let sim: GraphSimulator;
  const redirectUri = 'http://127.0.0.1:3000/auth/callback';
  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 11, users: 12, rooms: 1 } });
    trustCa(sim.caCertPem);
  });
  after(async () => {
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  const user = () =>
    String(sim.listUsers({ limit: 100 }).find((u) => u.props.accountEnabled !== false)!.props.userPrincipalName);
  async function signIn(nonce = 'n-1') {
    const msal = msalFor(sim);
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const url = await msal.getAuthCodeUrl({
      scopes: ['openid', 'profile'],
      redirectUri,
      state: 's-1',
      nonce,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      loginHint: user(),
    });
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    return { msal, verifier, back };
  }
  const keys = () => createRemoteJWKSet(new URL(`${sim.loginUrl}/${sim.tenantId}/discovery/v2.0/keys`));

  it("the sign-in page lists the tenant's accounts by name, each a link that signs in as that account", async () => {
    const url = await msalFor(sim).getAuthCodeUrl({ scopes: ['openid'], redirectUri, state: 's' });
    const html = await (await fetch(url)).text();
    expect(html).to.contain('Pick an account');
    const href = new RegExp(`<a data-upn="${user().replace(/\./g, '\\.')}" href="([^"]+)"`)
      .exec(html)![1]!
      .replace(/&#38;/g, '&');
    const res = await fetch(new URL(href, url), { redirect: 'manual' });
    expect(res.status).to.equal(302);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).to.be.a('string');
  });

  it("a sign-in error fault sends the browser back with Entra's error, its AADSTS code and the state, once", async () => {
    sim.addSignInErrorFault({ error: 'consent_required', code: 65001 });
    const { back } = await signIn();
    expect(back.searchParams.get('error')).to.equal('consent_required');
    expect(back.searchParams.get('error_description')).to.match(/^AADSTS65001: /);
    expect(back.searchParams.get('state')).to.equal('s-1');
    expect(back.searchParams.has('code')).to.equal(false);
    expect((await signIn()).back.searchParams.has('code')).to.equal(true);
  });

  it('ID tokens are RS256, verifiable against the published keys; a foreign-key fault makes one that is not', async () => {
    const ok = await signIn();
    const tokens = await ok.msal.acquireTokenByCode({
      code: ok.back.searchParams.get('code')!,
      scopes: ['openid', 'profile'],
      redirectUri,
      codeVerifier: ok.verifier,
      nonce: 'n-1',
    });
    const verified = await jwtVerify(tokens.idToken, keys(), {
      audience: sim.clientId,
      issuer: `${sim.loginUrl}/${sim.tenantId}/v2.0`,
    });
    expect(verified.protectedHeader.alg).to.equal('RS256');

    sim.addIdTokenFault({ foreignKey: true });
    const bad = await signIn();
    const forged = await bad.msal.acquireTokenByCode({
      code: bad.back.searchParams.get('code')!,
      scopes: ['openid', 'profile'],
      redirectUri,
      codeVerifier: bad.verifier,
      nonce: 'n-1',
    });
    const err = await jwtVerify(forged.idToken, keys()).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.name).to.equal('JWSSignatureVerificationFailed');
  });

  it('an ID token claims fault, set through the control API, overrides claims of the next token only', async () => {
    const res = await fetch(`${sim.controlUrl}/_control/faults/id-tokens`, {
      method: 'POST',
      headers: { 'x-simulator-key': sim.controlKey, 'content-type': 'application/json' },
      body: JSON.stringify({ claims: { tid: 'other-tenant' } }),
    });
    expect(res.status).to.be.lessThan(300);
    const read = async () => {
      const s = await signIn();
      const t = await s.msal.acquireTokenByCode({
        code: s.back.searchParams.get('code')!,
        scopes: ['openid', 'profile'],
        redirectUri,
        codeVerifier: s.verifier,
        nonce: 'n-1',
      });
      return decodeJwt(t.idToken).tid;
    };
    expect(await read()).to.equal('other-tenant');
    expect(await read()).to.equal(sim.tenantId);
  });
});
