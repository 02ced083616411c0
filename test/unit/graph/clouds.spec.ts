import { expect } from 'chai';
import { CLOUDS, GraphConfigError, resolveCloud } from '../../../shared/graph/index.js';

const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

// The one place outside clouds.ts that spells Microsoft hosts: it is the specification of the table.
describe('graph/clouds', () => {
  it('resolves the global cloud to its login host, Graph base and scope', () => {
    const r = resolveCloud({ cloud: 'global', tenantId: TENANT });
    expect(r.authority).to.equal(`https://login.microsoftonline.com/${TENANT}`);
    expect(r.graphBaseUrl).to.equal('https://graph.microsoft.com');
    expect(r.scope).to.equal('https://graph.microsoft.com/.default');
    expect(r.customHosts).to.deep.equal(['graph.microsoft.com']);
    expect(r.knownAuthorities).to.deep.equal([]);
    expect(r.idTokenIssuers).to.deep.equal([`https://login.microsoftonline.com/${TENANT}/v2.0`]);
    expect(r.custom).to.equal(false);
  });

  it('resolves the China cloud (21Vianet), whose ID-token issuer host differs from its login host', () => {
    const r = resolveCloud({ cloud: 'china', tenantId: TENANT });
    expect(r.authority).to.equal(`https://login.chinacloudapi.cn/${TENANT}`);
    expect(r.graphBaseUrl).to.equal('https://microsoftgraph.chinacloudapi.cn');
    expect(r.scope).to.equal('https://microsoftgraph.chinacloudapi.cn/.default');
    expect(r.customHosts).to.deep.equal(['microsoftgraph.chinacloudapi.cn']);
    expect(r.idTokenIssuers).to.deep.equal([`https://login.partner.microsoftonline.cn/${TENANT}/v2.0`]);
  });

  it('keeps the cloud scope but routes to custom endpoints (simulator / proxy)', () => {
    const r = resolveCloud({
      cloud: 'china',
      tenantId: TENANT,
      endpoints: { login: 'https://127.0.0.1:9443/', graph: 'https://Sim.Local:9444/prefix/' },
    });
    expect(r.authority).to.equal(`https://127.0.0.1:9443/${TENANT}`);
    expect(r.graphBaseUrl).to.equal('https://sim.local:9444/prefix');
    expect(r.scope).to.equal(CLOUDS.china.scope);
    expect(r.customHosts).to.deep.equal(['sim.local']);
    expect(r.knownAuthorities).to.deep.equal(['127.0.0.1:9443']);
    expect(r.idTokenIssuers).to.deep.equal([`https://127.0.0.1:9443/${TENANT}/v2.0`]);
    expect(r.custom).to.equal(true);
  });

  it('omits the default port in knownAuthorities and never adds a version to the Graph base', () => {
    const r = resolveCloud({
      cloud: 'global',
      tenantId: 'contoso.onmicrosoft.com',
      endpoints: { login: 'https://login.proxy.example', graph: 'https://graph.proxy.example' },
    });
    expect(r.knownAuthorities).to.deep.equal(['login.proxy.example']);
    expect(r.graphBaseUrl).to.equal('https://graph.proxy.example');
    expect(r.authority).to.equal('https://login.proxy.example/contoso.onmicrosoft.com');
  });

  const bad: [string, Parameters<typeof resolveCloud>[0], string][] = [
    [
      'http login',
      { cloud: 'global', tenantId: TENANT, endpoints: { login: 'http://127.0.0.1:1', graph: 'https://g.local' } },
      'endpoints.login',
    ],
    [
      'http graph',
      { cloud: 'global', tenantId: TENANT, endpoints: { login: 'https://l.local', graph: 'http://g.local' } },
      'endpoints.graph',
    ],
    [
      'not a URL',
      { cloud: 'global', tenantId: TENANT, endpoints: { login: 'nope', graph: 'https://g.local' } },
      'endpoints.login',
    ],
    [
      'query in URL',
      { cloud: 'global', tenantId: TENANT, endpoints: { login: 'https://l.local?x=1', graph: 'https://g.local' } },
      'endpoints.login',
    ],
    ['common authority', { cloud: 'global', tenantId: 'common' }, 'tenantId'],
    ['path in tenant', { cloud: 'global', tenantId: '../x' }, 'tenantId'],
    ['unknown cloud', { cloud: 'usgov' as 'global', tenantId: TENANT }, 'cloud'],
  ];
  for (const [name, input, field] of bad) {
    it(`rejects ${name} with a GraphConfigError naming ${field}`, () => {
      let caught: unknown;
      try {
        resolveCloud(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(GraphConfigError);
      const e = caught as GraphConfigError;
      expect(e.retryable).to.equal(false);
      expect((e.details as { field: string }[])[0]!.field).to.equal(field);
    });
  }
});
