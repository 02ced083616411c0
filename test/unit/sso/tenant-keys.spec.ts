import { expect } from 'chai';
import { resolveCloud } from '@ones-m365/shared/graph';
import { TenantKeysResolver, type DiscoveryFetch } from '@ones-m365/shared/sso';

const GUID = '6f1c1a52-3b7e-4e0e-9a51-0f6a4a3d2c10';

function discovery(doc: Record<string, unknown>, status = 200) {
  const urls: string[] = [];
  const fetchDoc: DiscoveryFetch = async (url) => {
    urls.push(url);
    return { ok: status < 400, status, json: async () => doc };
  };
  return { urls, resolver: new TenantKeysResolver(fetchDoc) };
}

describe("sso: the tenant's keys through OpenID discovery", () => {
  it("reads the issuer and the tenant GUID from the discovery of the integration's authority, once per hour", async () => {
    const { urls, resolver } = discovery({
      issuer: `https://login.microsoftonline.com/${GUID}/v2.0`,
      jwks_uri: 'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    });
    const cloud = resolveCloud({ cloud: 'global', tenantId: 'contoso.onmicrosoft.com' });
    const keys = await resolver.forCloud(cloud);
    expect(keys).to.include({ issuer: `https://login.microsoftonline.com/${GUID}/v2.0`, tenantGuid: GUID });
    await resolver.forCloud(cloud);
    expect(urls).to.deep.equal([
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration',
    ]);
  });

  it('the China cloud: discovery at its login host, the issuer at login.partner.microsoftonline.cn', async () => {
    const { urls, resolver } = discovery({
      issuer: `https://login.partner.microsoftonline.cn/${GUID}/v2.0`,
      jwks_uri: 'https://login.chinacloudapi.cn/common/discovery/v2.0/keys',
    });
    expect((await resolver.forCloud(resolveCloud({ cloud: 'china', tenantId: GUID }))).tenantGuid).to.equal(GUID);
    expect(urls[0]).to.equal(`https://login.chinacloudapi.cn/${GUID}/v2.0/.well-known/openid-configuration`);
  });

  it("refuses a discovery document naming another cloud's issuer, no tenant GUID, or keys over plain http", async () => {
    const refused = async (doc: Record<string, unknown>, cloud: 'global' | 'china' = 'global', status = 200) =>
      discovery(doc, status)
        .resolver.forCloud(resolveCloud({ cloud, tenantId: GUID }))
        .then(
          () => 'accepted',
          (e: Error) => e.message,
        );
    expect(
      await refused(
        { issuer: `https://login.microsoftonline.com/${GUID}/v2.0`, jwks_uri: 'https://x.test/keys' },
        'china',
      ),
    ).to.contain('unexpected issuer');
    expect(
      await refused({ issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0', jwks_uri: 'https://x.test/keys' }),
    ).to.contain('unexpected issuer');
    expect(
      await refused({ issuer: `https://login.evil.test/${GUID}/v2.0`, jwks_uri: 'https://x.test/keys' }),
    ).to.contain('unexpected issuer');
    expect(
      await refused({ issuer: `https://login.microsoftonline.com/${GUID}/v2.0`, jwks_uri: 'http://x.test/keys' }),
    ).to.contain('https jwks_uri');
    expect(await refused({}, 'global', 404)).to.contain('HTTP 404');
  });
});
