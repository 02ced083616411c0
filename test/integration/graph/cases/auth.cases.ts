import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DEFAULT_PERMISSIONS, type GraphSimulator } from '@ones-m365/graph-simulator';
import {
  createGraphClient,
  GraphAuthError,
  GraphForbiddenError,
  GraphTransientError,
  type GraphClient,
} from '../../../../shared/graph/index.js';
import { rejectionOf, simConnection, startSim } from './sim-support.js';

describe('graph client ↔ simulator: tokens and "Test settings" failures', () => {
  let sim: GraphSimulator;
  let graph: GraphClient;

  before(async () => {
    sim = await startSim({ seed: { seed: 7, users: 20, rooms: 5 } });
    graph = createGraphClient({ loginTimeoutMs: 1_000 });
  });
  after(async () => {
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it('gets an app-only token over HTTPS (trusted via NODE_EXTRA_CA_CERTS) with the consented roles', async () => {
    const info = await graph.getToken(simConnection(sim));
    expect([...info.roles].sort()).to.deep.equal([...DEFAULT_PERMISSIONS].sort());
    expect(info.tenantId).to.equal(sim.tenantId);
    expect(info.expiresOn.getTime()).to.be.greaterThan(Date.now());
  });

  it('reports no roles when admin consent is missing, and Graph then answers 403', async () => {
    const app = sim.createApp({ permissions: [] });
    const conn = simConnection(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value });
    const info = await graph.getToken(conn);
    expect(info.roles).to.deep.equal([]);
    const err = await rejectionOf(graph.listRoomsPage(conn));
    expect(err).to.be.instanceOf(GraphForbiddenError);
    expect((err as GraphForbiddenError).graphStatus).to.equal(403);
  });

  it('names a wrong secret (AADSTS7000215) and an expired one (AADSTS7000222)', async () => {
    const wrong = await rejectionOf(graph.getToken(simConnection(sim, { clientSecret: 'not-the-secret' })));
    expect(wrong).to.be.instanceOf(GraphAuthError);
    expect(wrong).to.include({ reason: 'invalid_secret', aadstsCode: '7000215', oauthError: 'invalid_client' });
    expect((wrong as Error).message).to.not.include('not-the-secret');

    const app = sim.createApp({ permissions: ['User.Read.All'] });
    sim.expireSecrets(app.appId);
    const expired = await rejectionOf(
      graph.getToken(simConnection(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value })),
    );
    expect(expired).to.include({ reason: 'expired_secret', aadstsCode: '7000222' });
  });

  it('names an unknown app (700016), an unknown tenant (90002) and a tenant of the other cloud (90038)', async () => {
    const noApp = await rejectionOf(graph.getToken(simConnection(sim, { clientId: randomUUID() })));
    expect(noApp).to.include({ reason: 'app_not_found', aadstsCode: '700016' });

    const noTenant = await rejectionOf(graph.getToken(simConnection(sim, { tenantId: randomUUID() })));
    expect(noTenant).to.be.instanceOf(GraphAuthError);
    expect(noTenant).to.include({ reason: 'tenant_not_found', aadstsCode: '90002' });

    const china = sim.createTenant({ seed: 99, cloud: 'china', users: 1, rooms: 0 });
    const other = china.apps[0]!;
    const wrongCloud = await rejectionOf(
      graph.getToken(
        simConnection(sim, { tenantId: china.tenantId, clientId: other.appId, clientSecret: other.secrets[0]!.value }),
      ),
    );
    expect(wrongCloud).to.include({ reason: 'wrong_cloud', aadstsCode: '90038' });
  });

  it('fails fast when the login host hangs', async () => {
    sim.setLoginHang(true);
    const started = Date.now();
    const err = await rejectionOf(graph.getToken(simConnection(sim)));
    expect(Date.now() - started).to.be.lessThan(4_000);
    expect(err).to.be.instanceOf(GraphTransientError);
    expect(err).to.include({ reason: 'timeout', target: 'login', retryable: true });
  });

  it('keeps using the cached token while the login host is down, and picks up a rotated secret', async () => {
    const conn = simConnection(sim);
    await graph.listRoomsPage(conn);
    sim.setLoginHang(true);
    const page = await graph.listRoomsPage(conn);
    expect(page.rooms.length).to.be.greaterThan(0);
    sim.setLoginHang(false);
    const fresh = sim.addSecret(sim.clientId);
    const before = sim.requestCount({ route: 'token' });
    await graph.listRoomsPage({ ...conn, clientSecret: fresh.value });
    expect(sim.requestCount({ route: 'token' })).to.be.greaterThan(before);
  });
});
