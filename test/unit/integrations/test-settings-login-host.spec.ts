import { expect } from 'chai';
import { createGraphClient, type GraphConnection } from '../../../shared/graph/index.js';
import { testSettings } from '../../../shared/integrations/index.js';
import { FakeHttp } from '../../fakes/graph-fake-http.js';
import { testConnection } from '../../fakes/graph-test-helpers.js';

/** A network where no host answers: every request fails like a refused connection. */
function unreachable(): FakeHttp {
  const http = new FakeHttp();
  for (const method of ['GET', 'POST']) http.on(method, () => true, { networkError: true });
  return http;
}

async function tokenFailure(conn: GraphConnection) {
  const graph = createGraphClient({ fetch: unreachable().fetch });
  const result = await testSettings(graph, conn);
  expect(result.ok).to.equal(false);
  return { message: result.checks.find((c) => c.name === 'token')!.message, error: result.error! };
}

describe('Test settings: an unreachable login host is named', () => {
  it('China cloud: names login.chinacloudapi.cn in the message and the hint', async () => {
    const { message, error } = await tokenFailure(testConnection({ cloud: 'china', endpoints: null }));
    expect(message).to.include('login.chinacloudapi.cn');
    expect(error.message).to.include('login.chinacloudapi.cn');
    expect(error.hint).to.include('login.chinacloudapi.cn');
  });

  it('global cloud: names login.microsoftonline.com', async () => {
    const { message, error } = await tokenFailure(testConnection({ cloud: 'global', endpoints: null }));
    expect(message).to.include('login.microsoftonline.com');
    expect(error.hint).to.include('login.microsoftonline.com');
  });

  it('custom endpoints: names the custom login host that was tried', async () => {
    const { message, error } = await tokenFailure(
      testConnection({
        endpoints: { login: 'https://login.proxy.example:8443', graph: 'https://graph.proxy.example' },
      }),
    );
    expect(message).to.include('login.proxy.example:8443');
    expect(error.hint).to.include('login.proxy.example:8443');
  });
});
