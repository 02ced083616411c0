import { expect } from 'chai';
import {
  CLOUDS,
  GraphAuthError,
  GraphRequestError,
  GraphThrottledError,
  GraphTransientError,
  createGraphClient,
  createRequestCounter,
  createRequestLanes,
  type GraphClientOptions,
} from '../../../shared/graph/index.js';
import { FakeHttp, addFakeLogin, type FakeReply } from '../../fakes/graph-fake-http.js';
import { GRAPH, LOGIN, TENANT, rejectionOf, testConnection } from '../../fakes/graph-test-helpers.js';

const ROOMS = /\/places\/microsoft\.graph\.room/;
const OK: FakeReply = { json: { value: [{ id: 'r1' }] } };

function setup(options: GraphClientOptions = {}) {
  const http = new FakeHttp();
  const tokens = addFakeLogin(http, LOGIN, TENANT);
  return { http, tokens, graph: createGraphClient({ fetch: http.fetch, ...options }) };
}

describe('graph/transport (graph-client middleware chain)', () => {
  it('sends the bearer token to the custom Graph host and reuses one token for many requests', async () => {
    const { http, tokens, graph } = setup();
    http.on('GET', ROOMS, OK);
    for (let i = 0; i < 5; i++) await graph.listRoomsPage(testConnection());
    const graphReqs = http.requestsTo('/places/');
    expect(graphReqs).to.have.length(5);
    expect(graphReqs.every((r) => r.headers.authorization?.startsWith('Bearer ey'))).to.equal(true);
    expect(graphReqs[0]!.url.startsWith(`${GRAPH}/v1.0/`)).to.equal(true);
    expect(tokens()).to.equal(1);
  });

  it("talks to the cloud's own hosts when no endpoints are set", async () => {
    const http = new FakeHttp();
    addFakeLogin(http, CLOUDS.china.login, TENANT);
    http.on('GET', ROOMS, OK);
    const graph = createGraphClient({ fetch: http.fetch });
    await graph.listRoomsPage(testConnection({ cloud: 'china', endpoints: null }));
    const req = http.requestsTo('/places/')[0]!;
    expect(new URL(req.url).origin).to.equal(CLOUDS.china.graph);
    expect(req.headers.authorization).to.match(/^Bearer /);
    const token = http.requestsTo('/oauth2/v2.0/token')[0]!;
    expect(new URLSearchParams(token.body!).get('scope')).to.equal(CLOUDS.china.scope);
  });

  it("moves links that name the cloud's real Graph host onto the configured proxy base", async () => {
    const { http, graph } = setup();
    http.on('GET', /skiptoken=n2/, OK);
    const link = `${CLOUDS.global.graph}/v1.0/users?$skiptoken=n2`;
    await graph.listUsersPage(testConnection(), { select: ['mail'], cursor: link });
    expect(http.requests.at(-1)!.url).to.equal(`${GRAPH}/v1.0/users?$skiptoken=n2`);
  });

  it('refuses to follow a link to a foreign host', async () => {
    const { http, graph } = setup();
    const err = await rejectionOf(
      graph.usersDelta(testConnection(), { select: [], link: 'https://evil.example/v1.0/users/delta?$skiptoken=1' }),
    );
    expect(err).to.be.instanceOf(GraphRequestError);
    expect(http.requests.some((r) => r.url.includes('evil.example'))).to.equal(false);
  });

  it('retries a short Retry-After itself and counts every HTTP request', async () => {
    const { http, graph } = setup();
    http.sequence('GET', ROOMS, [
      { status: 429, headers: { 'retry-after': '0' }, json: { error: { code: 'TooManyRequests', message: 'x' } } },
      OK,
    ]);
    const counter = createRequestCounter();
    const page = await graph.listRoomsPage(testConnection({ counter }));
    expect(page.rooms).to.have.length(1);
    expect(http.requestsTo('/places/')).to.have.length(2);
    expect(counter.count).to.equal(2);
    expect(graph.requestCount).to.equal(2);
  });

  it('does not sleep through a long Retry-After: it surfaces GraphThrottledError at once', async () => {
    const { http, graph } = setup();
    http.on('GET', ROOMS, {
      status: 429,
      headers: { 'retry-after': '120' },
      json: { error: { code: 'TooManyRequests', message: 'slow' } },
    });
    const started = Date.now();
    const err = await rejectionOf(graph.listRoomsPage(testConnection()));
    expect(Date.now() - started).to.be.lessThan(1000);
    expect(err).to.be.instanceOf(GraphThrottledError);
    expect((err as GraphThrottledError).retryAfterMs).to.equal(120_000);
    expect(http.requestsTo('/places/')).to.have.length(1);
  });

  it('gives up after maxRetries on repeated 504 and reports a transient error', async () => {
    const { http, graph } = setup({ maxRetries: 2 });
    http.on('GET', ROOMS, { status: 504, headers: { 'retry-after': '0' }, text: 'gateway timeout' });
    const err = await rejectionOf(graph.listRoomsPage(testConnection()));
    expect(err).to.be.instanceOf(GraphTransientError);
    expect((err as GraphTransientError).graphStatus).to.equal(504);
    expect(http.requestsTo('/places/')).to.have.length(3);
  });

  it('times out a hanging Graph request', async () => {
    const { http, graph } = setup({ requestTimeoutMs: 150 });
    http.on('GET', ROOMS, { hang: true });
    const err = await rejectionOf(graph.listRoomsPage(testConnection()));
    expect(err).to.be.instanceOf(GraphTransientError);
    expect((err as GraphTransientError).reason).to.equal('timeout');
  });

  it('maps a refused Graph connection to a transient network error', async () => {
    const { http, graph } = setup();
    http.on('GET', ROOMS, { networkError: true });
    const err = await rejectionOf(graph.listRoomsPage(testConnection()));
    expect(err).to.be.instanceOf(GraphTransientError);
    expect((err as GraphTransientError).reason).to.equal('network');
  });

  it('surfaces a token failure during a Graph call as the typed GraphAuthError', async () => {
    const http = new FakeHttp();
    addFakeLogin(http, LOGIN, TENANT, {
      tokenReply: {
        status: 401,
        json: { error: 'invalid_client', error_codes: [7000222], error_description: 'AADSTS7000222: expired' },
      },
    });
    const graph = createGraphClient({ fetch: http.fetch });
    const err = await rejectionOf(graph.listRoomsPage(testConnection()));
    expect(err).to.be.instanceOf(GraphAuthError);
    expect((err as GraphAuthError).reason).to.equal('expired_secret');
    expect(http.requestsTo('/places/')).to.have.length(0);
  });

  it('builds a new Graph client and token after invalidate()', async () => {
    const { http, tokens, graph } = setup();
    http.on('GET', ROOMS, OK);
    await graph.listRoomsPage(testConnection());
    graph.invalidate('integration-1');
    await graph.listRoomsPage(testConnection());
    expect(tokens()).to.equal(2);
  });

  it("holds a connection's request lane until the answer is read, so a second request waits for it", async () => {
    const { http, graph } = setup();
    let inFlight = 0;
    let most = 0;
    http.on('GET', ROOMS, async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return OK;
    });
    const lanes = createRequestLanes(1);
    const conn = testConnection({ lanes });
    await graph.listRoomsPage(conn); // the token first, so both requests below are Graph's
    await Promise.all([graph.listRoomsPage(conn), graph.listRoomsPage(conn)]);
    expect(most).to.equal(1);
    expect(http.requestsTo('/places/')).to.have.length(3);
    expect(lanes.busy).to.equal(0);
    // Without lanes the same two requests overlap.
    await Promise.all([graph.listRoomsPage(testConnection()), graph.listRoomsPage(testConnection())]);
    expect(most).to.equal(2);
  });
});
