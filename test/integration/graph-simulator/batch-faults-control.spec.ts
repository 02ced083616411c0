import type { Client } from '@microsoft/microsoft-graph-client';
import { expect } from 'chai';
import { SignJWT, decodeJwt } from 'jose';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { graphFor, msalFor, trustCa } from '../../support/graph-simulator-clients.js';

type GErr = { statusCode: number; code: string };
type BatchRes = {
  responses: { id: string; status: number; headers: Record<string, string>; body?: Record<string, unknown> }[];
};

describe('graph-simulator: $batch, faults, token validation, counters and the control API', () => {
  let sim: GraphSimulator;
  let graph: Client;
  let token: string;
  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 31, users: 120, rooms: 4 }, controlKey: 'test-key' });
    trustCa(sim.caCertPem);
    const msal = msalFor(sim);
    graph = graphFor(sim, msal);
    token = (await msal.acquireTokenByClientCredential({ scopes: [sim.graphScope] }))!.accessToken;
  });
  after(async () => {
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  const raw = (path: string, t = token) =>
    fetch(`${sim.graphV1Url}${path}`, { headers: { authorization: `Bearer ${t}` } });

  it('$batch: inner statuses, an inner 429 with Retry-After inside an outer 200, dependsOn → 424, max 20', async () => {
    sim.addErrorFault({ status: 429, retryAfterSeconds: 7, count: 1, match: '/v1.0/users/{id}' });
    const u = sim.listUsers({ limit: 1 })[0]!;
    const res = (await graph.api('/$batch').post({
      requests: [
        { id: '1', method: 'GET', url: `/users/${u.id}` },
        { id: '2', method: 'GET', url: '/users?$top=2' },
        { id: '3', method: 'GET', url: '/users/nobody' },
      ],
    })) as BatchRes;
    const by = new Map(res.responses.map((r) => [r.id, r]));
    expect(by.get('1')!.status).to.equal(429);
    expect(by.get('1')!.headers['retry-after']).to.equal('7');
    expect(by.get('2')!.status).to.equal(200);
    expect((by.get('2')!.body!.value as unknown[]).length).to.equal(2);
    expect(by.get('3')!.status).to.equal(404);
    const dep = (await graph.api('/$batch').post({
      requests: [
        { id: 'a', method: 'GET', url: '/users/nobody' },
        { id: 'b', method: 'GET', url: '/users?$top=1', dependsOn: ['a'] },
      ],
    })) as BatchRes;
    expect(dep.responses.find((r) => r.id === 'b')!.status).to.equal(424);
    const tooMany = await graph
      .api('/$batch')
      .post({ requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users' })) })
      .then(
        () => null,
        (e: GErr) => e,
      );
    expect(tooMany?.statusCode).to.equal(400);
  });

  it('429 for the next N requests: the Graph client retries after Retry-After and succeeds; counters show every attempt', async () => {
    sim.resetCounters();
    sim.addErrorFault({ status: 429, retryAfterSeconds: 0, count: 2, match: '/v1.0/users' });
    const page = (await graph.api('/users').top(5).get()) as { value: unknown[] };
    expect(page.value).to.have.length(5);
    expect(sim.requestCount({ route: '/v1.0/users', status: 429 })).to.equal(2);
    expect(sim.requestCount({ route: '/v1.0/users', status: 200 })).to.equal(1);
  });

  it('503 without Retry-After, at a rate, and per-request latency', async () => {
    sim.addErrorFault({ status: 503, rate: 1, match: '/v1.0/groups' });
    const r = await raw('/groups');
    expect(r.status).to.equal(503);
    expect(r.headers.get('retry-after')).to.equal(null);
    expect(((await r.json()) as { error: { code: string } }).error.code).to.equal('ServiceUnavailable');
    sim.clearFaults();
    sim.addLatencyFault({ ms: 250, match: '/v1.0/places' });
    const t0 = Date.now();
    expect((await raw('/places/microsoft.graph.room')).status).to.equal(200);
    expect(Date.now() - t0).to.be.gte(240);
  });

  it('bearer tokens are validated on every call: missing, forged, expired, wrong audience → 401 InvalidAuthenticationToken', async () => {
    const code = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;
    const none = await fetch(`${sim.graphV1Url}/users`);
    expect(none.status).to.equal(401);
    expect(await code(none)).to.equal('InvalidAuthenticationToken');
    const claims = decodeJwt(token);
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await raw('/users', forged)).status).to.equal(401);
    sim.updateSettings({ accessTokenLifetimeSeconds: -10 });
    const expired = (await msalFor(sim).acquireTokenByClientCredential({ scopes: [sim.graphScope], skipCache: true }))!
      .accessToken;
    sim.updateSettings({ accessTokenLifetimeSeconds: 3599 });
    const er = await raw('/users', expired);
    expect(er.status).to.equal(401);
    expect(((await er.json()) as { error: { message: string } }).error.message).to.contain('expired');
    const china = await startGraphSimulator({ cloud: 'china', seed: { seed: 31, users: 1, rooms: 0 } });
    try {
      const chinaToken = (await msalFor(china).acquireTokenByClientCredential({ scopes: [china.graphScope] }))!
        .accessToken;
      expect(decodeJwt(chinaToken).aud).to.equal('https://microsoftgraph.chinacloudapi.cn');
      expect((await raw('/users', chinaToken)).status).to.equal(401); // signed by another host, other audience
    } finally {
      await china.close();
    }
  });

  it('control API over HTTP: key required; seed a tenant, mutate users, read counters', async () => {
    const ctl = (method: string, path: string, body?: unknown, key = 'test-key') =>
      fetch(`${sim.controlUrl}/_control${path}`, {
        method,
        headers: { 'x-simulator-key': key, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await ctl('GET', '/state', undefined, 'wrong')).status).to.equal(401);
    const tenant = (await (await ctl('POST', '/tenants', { seed: 77, users: 10, rooms: 2 })).json()) as {
      tenantId: string;
      apps: { appId: string; secrets: { value: string }[] }[];
    };
    expect(tenant.apps).to.have.length(1);
    const again = (await (await ctl('POST', '/tenants', { seed: 78, users: 10, rooms: 2 })).json()) as {
      tenantId: string;
    };
    expect(again.tenantId).to.not.equal(tenant.tenantId);
    const created = (await (
      await ctl('POST', `/tenants/${tenant.tenantId}/users`, { displayName: 'Via HTTP', mailNickname: 'viahttp' })
    ).json()) as { id: string };
    expect((await ctl('POST', `/tenants/${tenant.tenantId}/users/${created.id}/disable`)).status).to.equal(201);
    const g = graphFor(
      sim,
      msalFor(sim, {
        tenantId: tenant.tenantId,
        clientId: tenant.apps[0]!.appId,
        clientSecret: tenant.apps[0]!.secrets[0]!.value,
      }),
    );
    const u = (await g.api(`/users/${created.id}`).select('id,accountEnabled,displayName').get()) as Record<
      string,
      unknown
    >;
    expect(u).to.include({ displayName: 'Via HTTP', accountEnabled: false });
    await ctl('DELETE', '/counters');
    await g.api('/users').get();
    const counters = (await (await ctl('GET', '/counters')).json()) as {
      rows: { route: string; status: number; count: number }[];
    };
    expect(counters.rows.find((r) => r.route === '/v1.0/users')).to.include({ status: 200, count: 1 });
    expect((await ctl('POST', '/faults/errors', { status: 429, count: 1, match: '/v1.0/users' })).status).to.equal(204);
    expect((await raw('/users')).status).to.equal(429);
    expect((await ctl('GET', '/nope')).status).to.equal(404);
  });

  it('the same tenant seed always yields the same tenant', async () => {
    const a = sim.createTenant({ seed: 4242, users: 5, rooms: 1 });
    const twin = await startGraphSimulator({ seed: { seed: 4242, users: 5, rooms: 1 } });
    try {
      expect(twin.tenantId).to.equal(a.tenantId);
      expect(twin.listUsers().map((u) => u.id)).to.deep.equal(sim.listUsers({}, a.tenantId).map((u) => u.id));
      expect(twin.clientSecret).to.equal(a.apps[0]!.secrets[0]!.value);
    } finally {
      await twin.close();
    }
  });
});
