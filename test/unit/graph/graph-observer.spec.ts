import { expect } from 'chai';
import {
  connectionFingerprint,
  createGraphClient,
  MsalTokenProvider,
  type TokenOutcome,
} from '../../../shared/graph/index.js';
import { FakeHttp, addFakeLogin } from '../../fakes/graph-fake-http.js';
import { LOGIN, TENANT, rejectionOf, testConnection } from '../../fakes/graph-test-helpers.js';

describe('graph/observer: what the client reports for the operational records', () => {
  it("reports each token outcome with the credentials' fingerprint, AADSTS7000222 as expired_secret", async () => {
    const seen: [string, string, TokenOutcome][] = [];
    const observer = { token: (id: string, fp: string, outcome: TokenOutcome) => void seen.push([id, fp, outcome]) };
    const good = new FakeHttp();
    addFakeLogin(good, LOGIN, TENANT);
    await new MsalTokenProvider({ fetch: good.fetch, observer }).getToken(testConnection());
    const expired = new FakeHttp();
    addFakeLogin(expired, LOGIN, TENANT, {
      tokenReply: {
        status: 401,
        json: {
          error: 'invalid_client',
          error_description: 'AADSTS7000222: The provided client secret keys are expired.',
          error_codes: [7000222],
        },
      },
    });
    await rejectionOf(
      new MsalTokenProvider({ fetch: expired.fetch, observer }).getToken(testConnection({ clientSecret: 'old' })),
    );
    expect(seen[0]).to.deep.equal(['integration-1', connectionFingerprint(testConnection()), { ok: true }]);
    expect(seen[1]![1]).to.equal(connectionFingerprint(testConnection({ clientSecret: 'old' })));
    expect(seen[1]![2]).to.deep.include({ ok: false, code: 'expired_secret', retryable: false });
    expect(JSON.stringify(seen)).to.not.include('super-secret-value-123');
  });

  it('reports every Graph answer (retries included) and every request that got none', async () => {
    const answers: [string, number | null][] = [];
    const http = new FakeHttp();
    addFakeLogin(http, LOGIN, TENANT);
    http.sequence('GET', /\/places\//, [
      { status: 429, headers: { 'retry-after': '0' }, json: { error: { code: 'TooManyRequests' } } },
      { json: { value: [] } },
    ]);
    http.on('GET', /\/users/, { networkError: true });
    const graph = createGraphClient({
      fetch: http.fetch,
      retryDelaySeconds: 0,
      maxRetries: 1,
      observer: { response: (id, status) => void answers.push([id, status]), token: () => undefined },
    });
    await graph.listRoomsPage(testConnection());
    await rejectionOf(graph.listUsersPage(testConnection(), { select: ['id'], top: 1 }));
    expect(answers.slice(0, 2)).to.deep.equal([
      ['integration-1', 429],
      ['integration-1', 200],
    ]);
    expect(answers.length).to.be.greaterThan(2);
    expect(answers.slice(2).every(([id, status]) => id === 'integration-1' && status === null)).to.equal(true);
  });
});
