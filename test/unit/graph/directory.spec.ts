import { expect } from 'chai';
import { createGraphClient, GraphDeltaExpiredError, type GraphClient } from '../../../shared/graph/index.js';
import { FakeHttp, addFakeLogin } from '../../fakes/graph-fake-http.js';
import { GRAPH, LOGIN, TENANT, rejectionOf, testConnection } from '../../fakes/graph-test-helpers.js';

function setup(): { http: FakeHttp; graph: GraphClient } {
  const http = new FakeHttp();
  addFakeLogin(http, LOGIN, TENANT);
  return { http, graph: createGraphClient({ fetch: http.fetch }) };
}

/** Graph's group ids are GUIDs; the client refuses anything else in a path. */
const GROUP_ID = '0b0d5f2e-7c1a-4e55-9a3b-1f2e3d4c5b6a';
const SELECT = ['userPrincipalName', 'mail', 'displayName', 'accountEnabled', 'employeeId', 'extension_abc_pager'];

describe('graph/users and groups', () => {
  it('lists users with $top=999 and $select, then follows nextLink verbatim', async () => {
    const { http, graph } = setup();
    const next = `${GRAPH}/v1.0/users?$top=999&$select=id,mail&$skiptoken=X%2BY%3D`;
    http.on('GET', /^\/v1\.0\/users\?/, { json: { value: [{ id: 'u1', mail: 'a@x' }], '@odata.nextLink': next } });
    http.on('GET', /skiptoken/, { json: { value: [{ id: 'u2' }] } });
    const p1 = await graph.listUsersPage(testConnection(), { select: SELECT });
    const first = new URL(http.requests.at(-1)!.url);
    expect(first.searchParams.get('$top')).to.equal('999');
    expect(first.searchParams.get('$select')).to.equal(`id,${SELECT.join(',')}`);
    expect(p1.nextCursor).to.equal(next);
    const p2 = await graph.listUsersPage(testConnection(), { select: SELECT, cursor: p1.nextCursor! });
    expect(p2.users.map((u) => u.id)).to.deep.equal(['u2']);
    expect(p2.nextCursor).to.equal(undefined);
    const second = http.requests.at(-1)!.url;
    expect(second).to.include('$skiptoken=X%2BY%3D');
    expect(new URL(second).searchParams.get('$select')).to.equal('id,mail');
  });

  it('puts $select on the first delta call only and splits @removed entries by reason', async () => {
    const { http, graph } = setup();
    const nextLink = `${GRAPH}/v1.0/users/delta?$skiptoken=page2`;
    const deltaLink = `${GRAPH}/v1.0/users/delta?$deltatoken=tok1`;
    http.on('GET', /^\/v1\.0\/users\/delta\?\$select=/, {
      json: {
        value: [
          {
            id: 'u1',
            userPrincipalName: 'a@contoso.com',
            accountEnabled: true,
            extension_abc_pager: '12345',
            onPremisesExtensionAttributes: { extensionAttribute1: 'card-1', extensionAttribute2: null },
          },
          { id: 'u2', '@removed': { reason: 'changed' } },
        ],
        '@odata.nextLink': nextLink,
      },
    });
    http.on('GET', /skiptoken=page2/, {
      json: { value: [], '@odata.nextLink': `${GRAPH}/v1.0/users/delta?$skiptoken=page3` },
    });
    http.on('GET', /skiptoken=page3/, {
      json: {
        value: [
          { id: 'u3', '@removed': { reason: 'deleted' } },
          { id: 'u4', accountEnabled: false },
        ],
        '@odata.deltaLink': deltaLink,
      },
    });

    const p1 = await graph.usersDelta(testConnection(), { select: SELECT });
    expect(new URL(http.requests.at(-1)!.url).searchParams.get('$select')).to.equal(`id,${SELECT.join(',')}`);
    expect(p1.users).to.have.length(1);
    expect(p1.users[0]).to.include({ id: 'u1', userPrincipalName: 'a@contoso.com', accountEnabled: true, mail: null });
    expect(p1.users[0]!.extra).to.deep.equal({ extension_abc_pager: '12345' });
    expect(p1.users[0]!.onPremisesExtensionAttributes).to.deep.equal({
      extensionAttribute1: 'card-1',
      extensionAttribute2: null,
    });
    expect(p1.removed).to.deep.equal([{ id: 'u2', reason: 'changed' }]);
    expect(p1.nextLink).to.equal(nextLink);
    expect(p1.deltaLink).to.equal(undefined);

    const p2 = await graph.usersDelta(testConnection(), { select: SELECT, link: p1.nextLink! });
    expect(http.requests.at(-1)!.url).to.equal(nextLink);
    expect(p2.users).to.deep.equal([]);
    expect(p2.nextLink).to.include('page3');

    const p3 = await graph.usersDelta(testConnection(), { select: SELECT, link: p2.nextLink! });
    expect(p3.removed).to.deep.equal([{ id: 'u3', reason: 'deleted' }]);
    expect(p3.users.map((u) => [u.id, u.accountEnabled])).to.deep.equal([['u4', false]]);
    expect(p3.deltaLink).to.equal(deltaLink);
    expect(p3.nextLink).to.equal(undefined);
  });

  it('turns an expired delta token into GraphDeltaExpiredError', async () => {
    const { http, graph } = setup();
    http.on('GET', /deltatoken=old/, {
      status: 410,
      headers: { location: `${GRAPH}/v1.0/users/delta?$deltatoken=` },
      json: { error: { code: 'syncStateNotFound', message: 'gone' } },
    });
    const err = await rejectionOf(
      graph.usersDelta(testConnection(), { select: SELECT, link: `${GRAPH}/v1.0/users/delta?$deltatoken=old` }),
    );
    expect(err).to.be.instanceOf(GraphDeltaExpiredError);
    expect((err as GraphDeltaExpiredError).resyncLocation).to.include('$deltatoken=');
  });

  it('gets a "from now" deltaLink with $deltatoken=latest', async () => {
    const { http, graph } = setup();
    http.on('GET', /deltatoken=latest/, {
      json: { value: [], '@odata.deltaLink': `${GRAPH}/v1.0/users/delta?$deltatoken=now1` },
    });
    const link = await graph.usersDeltaLatest(testConnection(), ['displayName']);
    expect(link).to.equal(`${GRAPH}/v1.0/users/delta?$deltatoken=now1`);
    const u = new URL(http.requests.at(-1)!.url);
    expect(u.searchParams.get('$select')).to.equal('id,displayName');
  });

  it('lists extension properties available on users', async () => {
    const { http, graph } = setup();
    http.on('POST', /getAvailableExtensionProperties/, {
      json: {
        value: [
          { name: 'extension_abc_pager', targetObjects: ['User'], isSyncedFromOnPremises: true },
          { name: 'extension_abc_groupThing', targetObjects: ['Group'] },
          { name: 'extension_abc_costCenter', targetObjects: ['User', 'Device'] },
        ],
      },
    });
    expect(await graph.getAvailableExtensionProperties(testConnection())).to.deep.equal([
      'extension_abc_pager',
      'extension_abc_costCenter',
    ]);
    expect(http.requests.at(-1)!.method).to.equal('POST');
  });

  it('pages groups, gets one group and walks transitive user members page by page', async () => {
    const { http, graph } = setup();
    http.on('GET', /^\/v1\.0\/groups\?/, {
      json: { value: [{ id: 'g1', displayName: 'Staff', securityEnabled: true, groupTypes: [] }] },
    });
    http.on('GET', new RegExp(`^/v1\\.0/groups/${GROUP_ID}\\?`), {
      json: { id: 'g1', displayName: 'Staff', mailEnabled: false },
    });
    http.on('GET', new RegExp(`^/v1\\.0/groups/${GROUP_ID}/transitiveMembers/microsoft\\.graph\\.user\\?`), {
      json: {
        value: [{ id: 'u1' }, { id: 'u2' }],
        '@odata.nextLink': `${GRAPH}/v1.0/groups/${GROUP_ID}/transitiveMembers/microsoft.graph.user?$skiptoken=m2`,
      },
    });
    http.on('GET', /skiptoken=m2/, { json: { value: [{ id: 'u3' }] } });
    const groups = await graph.listGroupsPage(testConnection());
    expect(groups.groups[0]).to.include({ id: 'g1', displayName: 'Staff', securityEnabled: true });
    expect(new URL(http.requests.at(-1)!.url).searchParams.get('$top')).to.equal('999');
    expect((await graph.getGroup(testConnection(), GROUP_ID)).mailEnabled).to.equal(false);
    const pages: string[][] = [];
    for await (const ids of graph.transitiveMemberUserIds(testConnection(), GROUP_ID)) pages.push(ids);
    expect(pages).to.deep.equal([['u1', 'u2'], ['u3']]);
    const first = http.requestsTo('/transitiveMembers/')[0]!;
    expect(new URL(first.url).searchParams.get('$select')).to.equal('id');
  });
});
