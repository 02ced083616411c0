import { expect } from 'chai';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { resolveCloud } from '@ones-m365/shared/graph';
import { expectedIssuer, IdTokenError, verifyIdToken, type TenantKeys } from '@ones-m365/shared/sso';

const TENANT = '6f1c1a52-3b7e-4e0e-9a51-0f6a4a3d2c10';
const CLIENT = '0c4a7e0e-8a1b-4b8c-9f55-2d7cf0a1b001';
const OID = '9a3c2b1d-0000-4e0e-8a51-0f6a4a3d2c99';

async function keyPair() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' } };
}

describe('sso: ID token verification', () => {
  let signer: Awaited<ReturnType<typeof keyPair>>;
  let other: Awaited<ReturnType<typeof keyPair>>;
  const issuer = `https://login.microsoftonline.com/${TENANT}/v2.0`;
  let tenant: TenantKeys;

  before(async () => {
    signer = await keyPair();
    other = await keyPair();
    tenant = { issuer, tenantGuid: TENANT, keys: createLocalJWKSet({ keys: [signer.jwk] }) };
  });

  const now = () => Math.floor(Date.now() / 1000);
  const token = (over: JWTPayload = {}, key = signer.privateKey) =>
    new SignJWT({
      aud: CLIENT,
      iss: issuer,
      iat: now(),
      nbf: now(),
      exp: now() + 3600,
      oid: OID,
      tid: TENANT,
      nonce: 'n-1',
      preferred_username: 'a@contoso.com',
      ...over,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(key);
  const verify = async (t: string, over: Partial<Parameters<typeof verifyIdToken>[1]> = {}) =>
    verifyIdToken(t, { clientId: CLIENT, nonce: 'n-1', tenantGuid: TENANT, tenant, ...over });
  const problem = async (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: unknown) => (e instanceof IdTokenError ? e.problem : `other: ${(e as Error).message}`),
    );

  it('accepts a token of the tenant for this app and this sign-in, and answers its object ID', async () => {
    expect(await verify(await token())).to.deep.equal({ oid: OID, tid: TENANT });
  });

  it('refuses a token signed by another key under the same kid', async () => {
    expect(await problem(verify(await token({}, other.privateKey)))).to.equal('invalid_signature');
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [h, , sig] = (await token()).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        aud: CLIENT,
        iss: issuer,
        iat: now(),
        exp: now() + 60,
        oid: 'someone-else',
        tid: TENANT,
        nonce: 'n-1',
      }),
    ).toString('base64url');
    expect(await problem(verify(`${h}.${forged}.${sig}`))).to.equal('invalid_signature');
  });

  it('refuses an unsigned token (alg none) and garbage', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: CLIENT, oid: OID, tid: TENANT, nonce: 'n-1', exp: now() + 60, iat: now(), iss: issuer })).toString('base64url')}.`;
    expect(await problem(verify(none))).to.equal('invalid_token');
    expect(await problem(verify('not.a.jwt'))).to.equal('invalid_token');
  });

  it('refuses another audience, an expired token, another nonce, another tenant, another issuer, no oid', async () => {
    expect(await problem(verify(await token({ aud: 'another-app' })))).to.equal('wrong_audience');
    expect(await problem(verify(await token({ exp: now() - 600, iat: now() - 4200 })))).to.equal('expired');
    expect(await problem(verify(await token({ nonce: 'n-2' })))).to.equal('nonce_mismatch');
    expect(await problem(verify(await token({ nonce: undefined })))).to.equal('nonce_mismatch');
    expect(await problem(verify(await token({ tid: '3c1e0f7a-5a44-4c36-8f2e-4b8f3d0c9a11' })))).to.equal(
      'foreign_tenant',
    );
    expect(await problem(verify(await token({ iss: `https://login.evil.test/${TENANT}/v2.0` })))).to.equal(
      'wrong_issuer',
    );
    expect(await problem(verify(await token({ oid: undefined })))).to.equal('no_object_id');
  });

  it("the China cloud's ID tokens carry its own issuer host, not the login host", async () => {
    const china = resolveCloud({ cloud: 'china', tenantId: TENANT });
    expect(china.authority).to.equal(`https://login.chinacloudapi.cn/${TENANT}`);
    const chinaIssuer = expectedIssuer(china, TENANT);
    expect(chinaIssuer).to.equal(`https://login.partner.microsoftonline.cn/${TENANT}/v2.0`);
    const t = await token({ iss: chinaIssuer });
    expect(await verify(t, { tenant: { ...tenant, issuer: chinaIssuer } })).to.deep.equal({ oid: OID, tid: TENANT });
    expect(
      await problem(
        verify(await token({ iss: `https://login.chinacloudapi.cn/${TENANT}/v2.0` }), {
          tenant: { ...tenant, issuer: chinaIssuer },
        }),
      ),
    ).to.equal('wrong_issuer');
  });

  it("global and custom endpoints: the issuer is the cloud's or the custom login host's", () => {
    expect(expectedIssuer(resolveCloud({ cloud: 'global', tenantId: 'contoso.onmicrosoft.com' }), TENANT)).to.equal(
      issuer,
    );
    const custom = resolveCloud({
      cloud: 'global',
      tenantId: TENANT,
      endpoints: { login: 'https://127.0.0.1:4443', graph: 'https://127.0.0.1:4443' },
    });
    expect(expectedIssuer(custom, TENANT)).to.equal(`https://127.0.0.1:4443/${TENANT}/v2.0`);
  });
});
