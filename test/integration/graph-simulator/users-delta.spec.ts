import type { Client } from '@microsoft/microsoft-graph-client';
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { graphFor, msalFor } from '../../support/graph-simulator-clients.js';

type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };

async function walk(
  graph: Client,
  first: string,
  headers: Record<string, string> = {},
): Promise<{ items: Record<string, unknown>[]; pages: number; deltaLink: string }> {
  const items: Record<string, unknown>[] = [];
  let url: string | undefined = first;
  let pages = 0;
  for (;;) {
    const page = (await graph.api(url).headers(headers).get()) as Page;
    pages++;
    items.push(...page.value);
    if (page['@odata.deltaLink']) return { items, pages, deltaLink: page['@odata.deltaLink'] };
    url = page['@odata.nextLink'];
    if (!url) throw new Error('page without nextLink or deltaLink');
  }
}

describe('graph-simulator: users and /users/delta (real Graph client)', () => {
  let sim: GraphSimulator;
  let graph: Client;
  const USERS = 1050;
  before(async () => {
    sim = await startGraphSimulator({
      seed: { seed: 11, users: USERS, rooms: 1, disabledShare: 0.1 },
      tokenSecret: 'shared-secret',
    });
    graph = graphFor(sim, msalFor(sim));
  });
  after(async () => {
    await sim.close();
  });
  afterEach(() => {
    sim.clearFaults();
    sim.updateSettings({ deltaExpiredMode: 'gone', deltaReplays: false });
  });

  it('lists users: default page 100, $top up to 999 with nextLink paging, $top=1000 is 400', async () => {
    const first = (await graph.api('/users').get()) as Page;
    expect(first.value).to.have.length(100);
    expect(first.value[0]).to.have.keys([
      'businessPhones',
      'displayName',
      'givenName',
      'jobTitle',
      'mail',
      'mobilePhone',
      'officeLocation',
      'preferredLanguage',
      'surname',
      'userPrincipalName',
      'id',
    ]);
    const p1 = (await graph.api('/users').top(999).get()) as Page;
    expect(p1.value).to.have.length(999);
    const p2 = (await graph.api(p1['@odata.nextLink']!).get()) as Page;
    expect(p2.value).to.have.length(USERS - 999);
    expect(p2['@odata.nextLink']).to.equal(undefined);
    const ids = new Set([...p1.value, ...p2.value].map((u) => u.id));
    expect(ids.size).to.equal(USERS);
    const err = await graph
      .api('/users')
      .top(1000)
      .get()
      .then(
        () => null,
        (e: { statusCode: number }) => e,
      );
    expect(err?.statusCode).to.equal(400);
  });

  it('$select returns the directory extension only when selected; unknown properties are 400', async () => {
    const ext = sim.tenantInfo().pagerExtension;
    const withExt = (await graph.api('/users').top(50).select(`id,displayName,${ext}`).get()) as Page;
    expect(withExt.value.some((u) => typeof u[ext] === 'string')).to.equal(true);
    const without = (await graph.api('/users').top(50).get()) as Page;
    expect(without.value.some((u) => ext in u)).to.equal(false);
    const err = await graph
      .api('/users')
      .select('pager')
      .get()
      .then(
        () => null,
        (e: { statusCode: number; code: string }) => e,
      );
    expect(err?.statusCode).to.equal(400);
  });

  it('$filter (minimal) and get by id or UPN; 404 in Graph error shape with request-id', async () => {
    const disabled = (await graph
      .api('/users')
      .filter('accountEnabled eq false')
      .select('id,accountEnabled')
      .top(999)
      .get()) as Page;
    expect(disabled.value.length).to.be.greaterThan(0);
    expect(disabled.value.every((u) => u.accountEnabled === false)).to.equal(true);
    const u = sim.listUsers({ limit: 1 })[0]!;
    const byUpn = (await graph.api(`/users/${String(u.props.userPrincipalName)}`).get()) as Record<string, unknown>;
    expect(byUpn.id).to.equal(u.id);
    const res = await fetch(`${sim.graphUrl}/v1.0/users/nobody@nowhere`, {
      headers: {
        authorization: `Bearer ${(await msalFor(sim).acquireTokenByClientCredential({ scopes: [sim.graphScope] }))!.accessToken}`,
      },
    });
    expect(res.status).to.equal(404);
    expect(res.headers.get('request-id')).to.be.a('string');
    const body = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(body.error.code).to.equal('Request_ResourceNotFound');
    expect(body.error.innerError['request-id']).to.equal(res.headers.get('request-id'));
  });

  it('getAvailableExtensionProperties needs Directory.Read.All and names extension_<appId>_pager', async () => {
    const err = await graph
      .api('/directoryObjects/getAvailableExtensionProperties')
      .post({ isSyncedFromOnPremises: true })
      .then(
        () => null,
        (e: { statusCode: number }) => e,
      );
    expect(err?.statusCode).to.equal(403);
    const app = sim.createApp({ permissions: ['Directory.Read.All'] });
    const g2 = graphFor(sim, msalFor(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value }));
    const res = (await g2
      .api('/directoryObjects/getAvailableExtensionProperties')
      .post({ isSyncedFromOnPremises: true })) as Page;
    expect(res.value.map((p) => p.name)).to.deep.equal([sim.tenantInfo().pagerExtension]);
    expect(String(res.value[0]!.name)).to.match(/^extension_[0-9a-f]{32}_pager$/);
  });

  it('delta: initial round pages at the server size, $select travels in the links, $top is refused', async () => {
    sim.updateSettings({ deltaPageSize: 200 });
    const err = await graph
      .api('/users/delta')
      .top(10)
      .get()
      .then(
        () => null,
        (e: { statusCode: number }) => e,
      );
    expect(err?.statusCode).to.equal(400);
    const r = await walk(graph, '/users/delta?$select=id,displayName,accountEnabled');
    expect(r.pages).to.equal(Math.ceil(USERS / 200));
    expect(new Set(r.items.map((u) => u.id)).size).to.equal(USERS);
    expect(Object.keys(r.items[0]!).sort()).to.deep.equal(['accountEnabled', 'displayName', 'id']);
    expect(r.deltaLink).to.contain('$deltatoken=');
    const none = (await graph.api(r.deltaLink).get()) as Page;
    expect(none.value).to.deep.equal([]);
  });

  it('delta: a deltaLink returns exactly the changes since it was issued (create, update, disable, soft/hard delete, restore)', async () => {
    const { deltaLink } = await walk(graph, '/users/delta?$select=id,displayName,accountEnabled');
    const [a, b, c, d] = sim.listUsers({ offset: 100, limit: 4, state: 'active' });
    sim.updateUser(a!.id, { displayName: 'Renamed Person' });
    sim.disableUser(b!.id);
    sim.softDeleteUser(c!.id);
    sim.hardDeleteUser(d!.id);
    const created = sim.createUser({
      displayName: 'New Hire',
      userPrincipalName: `new.hire@${sim.tenantInfo().domain}`,
    });
    const r = await walk(graph, deltaLink);
    const byId = new Map(r.items.map((u) => [u.id, u]));
    expect(byId.size).to.equal(5);
    expect(byId.get(a!.id)).to.include({ displayName: 'Renamed Person' });
    expect(byId.get(b!.id)).to.include({ accountEnabled: false });
    expect(byId.get(c!.id)!['@removed']).to.deep.equal({ reason: 'changed' });
    expect(byId.get(d!.id)!['@removed']).to.deep.equal({ reason: 'deleted' });
    expect(byId.get(created.id)).to.include({ displayName: 'New Hire' });
    sim.restoreUser(c!.id);
    const r2 = await walk(graph, r.deltaLink);
    expect(r2.items.map((u) => u.id)).to.deep.equal([c!.id]);
    expect(r2.items[0]!['@removed']).to.equal(undefined);
  });

  it('delta tracks only selected properties; Prefer: return=minimal returns only changed ones', async () => {
    const { deltaLink } = await walk(graph, '/users/delta?$select=id,displayName,jobTitle');
    const [a, b] = sim.listUsers({ offset: 300, limit: 2 });
    sim.updateUser(a!.id, { department: 'Nowhere' }); // not selected: must not surface
    sim.updateUser(b!.id, { jobTitle: 'Chief Tester' });
    const full = await walk(graph, deltaLink);
    expect(full.items.map((u) => u.id)).to.deep.equal([b!.id]);
    expect(full.items[0]).to.have.keys(['id', 'displayName', 'jobTitle']);
    const minimal = await walk(graph, deltaLink, { Prefer: 'return=minimal' });
    expect(minimal.items[0]).to.deep.equal({ jobTitle: 'Chief Tester', id: b!.id });
  });

  it('$deltatoken=latest gives a deltaLink with no data that sees later changes', async () => {
    const first = (await graph.api('/users/delta?$deltatoken=latest').get()) as Page;
    expect(first.value).to.deep.equal([]);
    const u = sim.listUsers({ offset: 500, limit: 1 })[0]!;
    sim.updateUser(u.id, { displayName: 'Latest Change' });
    const r = await walk(graph, first['@odata.deltaLink']!);
    expect(r.items.map((x) => x.id)).to.deep.equal([u.id]);
  });

  it('expired delta tokens: 410 Gone with an empty $deltatoken Location, or syncStateNotFound / resyncRequired', async () => {
    const { deltaLink } = await walk(graph, '/users/delta?$select=id');
    sim.expireDeltaTokens();
    const token = (await msalFor(sim).acquireTokenByClientCredential({ scopes: [sim.graphScope] }))!.accessToken;
    const get = () => fetch(deltaLink, { headers: { authorization: `Bearer ${token}` } });
    const gone = await get();
    expect(gone.status).to.equal(410);
    expect(gone.headers.get('location')).to.match(/\/v1\.0\/users\/delta\?\$deltatoken=$/);
    sim.updateSettings({ deltaExpiredMode: 'syncStateNotFound' });
    const s = await get();
    expect(s.status).to.equal(400);
    expect(((await s.json()) as { error: { code: string } }).error.code).to.equal('syncStateNotFound');
    sim.updateSettings({ deltaExpiredMode: 'resyncRequired' });
    expect(((await (await get()).json()) as { error: { code: string } }).error.code).to.equal('resyncRequired');
    // a token issued after the fault works
    const fresh = await walk(graph, '/users/delta?$deltatoken=latest');
    expect(fresh.items).to.deep.equal([]);
  });

  it('replays (switchable) re-send recently delivered users at the start of a round', async () => {
    const { deltaLink } = await walk(graph, '/users/delta?$select=id,displayName');
    const u = sim.listUsers({ offset: 700, limit: 1 })[0]!;
    sim.updateUser(u.id, { displayName: 'Replay Me' });
    const r = await walk(graph, deltaLink);
    expect(r.items.map((x) => x.id)).to.deep.equal([u.id]);
    sim.updateSettings({ deltaReplays: true });
    const replay = await walk(graph, deltaLink);
    expect(replay.items.map((x) => x.id)).to.include(u.id);
  });

  it('is stateless: a nextLink from one instance is served by another with the same seed and tokenSecret', async () => {
    const page = (await graph.api('/users/delta?$select=id,displayName').get()) as Page;
    const next = page['@odata.nextLink']!;
    const before = sim.state();
    const twin = await startGraphSimulator({
      seed: { seed: 11, users: USERS, rooms: 1, disabledShare: 0.1 },
      tokenSecret: 'shared-secret',
    });
    try {
      const twinGraph = graphFor(twin, msalFor(twin));
      const path = new URL(next).pathname + new URL(next).search;
      const fromTwin = (await twinGraph.api(`${twin.graphUrl}${path}`).get()) as Page;
      const fromSelf = (await graph.api(next).get()) as Page;
      expect(fromTwin.value).to.have.length(200);
      expect(fromTwin.value.map((u) => u.id)).to.deep.equal(fromSelf.value.map((u) => u.id));
    } finally {
      await twin.close();
    }
    const after = sim.state();
    expect(after.authCodes).to.equal(before.authCodes);
  });
});
