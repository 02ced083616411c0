import { expect } from 'chai';
import { createGraphClient } from '../../../shared/graph/index.js';
import { FakeHttp, addFakeLogin } from '../../fakes/graph-fake-http.js';
import { GRAPH, LOGIN, TENANT, testConnection } from '../../fakes/graph-test-helpers.js';

describe('graph/users delta: one user twice in a page', () => {
  it('keeps the later entry: a removal followed by a restore restores, an update followed by a removal removes', async () => {
    const http = new FakeHttp();
    addFakeLogin(http, LOGIN, TENANT);
    const graph = createGraphClient({ fetch: http.fetch });
    http.on('GET', /^\/v1\.0\/users\/delta/, {
      json: {
        value: [
          { id: 'u1', '@removed': { reason: 'changed' } },
          { id: 'u1', userPrincipalName: 'back@contoso.com', accountEnabled: true },
          { id: 'u2', userPrincipalName: 'leaving@contoso.com', accountEnabled: true },
          { id: 'u2', '@removed': { reason: 'deleted' } },
          { id: 'u3', displayName: 'old' },
          { id: 'u3', displayName: 'new' },
        ],
        '@odata.deltaLink': `${GRAPH}/v1.0/users/delta?$deltatoken=t`,
      },
    });
    const page = await graph.usersDelta(testConnection(), { select: ['displayName'] });
    expect(page.users.map((u) => [u.id, u.displayName ?? u.userPrincipalName])).to.deep.equal([
      ['u1', 'back@contoso.com'],
      ['u3', 'new'],
    ]);
    expect(page.removed).to.deep.equal([{ id: 'u2', reason: 'deleted' }]);
  });
});
