import { expect } from 'chai';
import sinon from 'sinon';
import {
  CLOUDS,
  GraphAuthError,
  GraphThrottledError,
  GraphTransientError,
  MsalTokenProvider,
  createGraphClient,
} from '../../../shared/graph/index.js';
import type { ClientCredentialApp } from '../../../shared/graph/token-provider.js';
import { FakeHttp, addFakeLogin, fakeJwt } from '../../fakes/graph-fake-http.js';
import { LOGIN, TENANT, rejectionOf, testConnection } from '../../fakes/graph-test-helpers.js';

function oauthError(status: number, error: string, code: number, text: string) {
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: t Correlation ID: c Timestamp: 2025-01-01`,
      error_codes: [code],
      trace_id: 'trace-1',
      correlation_id: 'corr-1',
    },
  };
}

describe('graph/token-provider', () => {
  describe('with real MSAL against a fake login host', () => {
    it("reuses MSAL's cached token instead of asking per request", async () => {
      const http = new FakeHttp();
      const tokens = addFakeLogin(http, LOGIN, TENANT, { roles: ['Place.Read.All', 'User.Read.All'] });
      const p = new MsalTokenProvider({ fetch: http.fetch });
      const a = await p.getToken(testConnection());
      const b = await p.getToken(testConnection());
      expect(tokens()).to.equal(1);
      expect(b.accessToken).to.equal(a.accessToken);
      expect(a.roles).to.deep.equal(['Place.Read.All', 'User.Read.All']);
      expect(a.tenantId).to.equal(TENANT);
      expect(a.expiresOn.getTime()).to.be.greaterThan(Date.now() + 3000_000);
      const tokenReq = http.requestsTo('/oauth2/v2.0/token')[0]!;
      expect(tokenReq.url.startsWith(`${LOGIN}/${TENANT}/oauth2/v2.0/token`)).to.equal(true);
      const form = new URLSearchParams(tokenReq.body ?? '');
      expect(form.get('grant_type')).to.equal('client_credentials');
      expect(form.get('scope')).to.equal(CLOUDS.global.scope);
    });

    it('shares one acquisition between concurrent callers', async () => {
      const http = new FakeHttp();
      const tokens = addFakeLogin(http, LOGIN, TENANT);
      const p = new MsalTokenProvider({ fetch: http.fetch });
      const results = await Promise.all(Array.from({ length: 8 }, () => p.getToken(testConnection())));
      expect(tokens()).to.equal(1);
      expect(new Set(results.map((r) => r.accessToken)).size).to.equal(1);
    });

    it('drops the old app and its tokens when the secret, client, tenant or endpoints change', async () => {
      const http = new FakeHttp();
      const tokens = addFakeLogin(http, LOGIN, TENANT);
      addFakeLogin(http, LOGIN, 'other-tenant.example');
      const p = new MsalTokenProvider({ fetch: http.fetch });
      await p.getToken(testConnection());
      await p.getToken(testConnection({ clientSecret: 'rotated-secret' }));
      expect(tokens()).to.equal(2);
      await p.getToken(testConnection({ clientSecret: 'rotated-secret' }));
      expect(tokens()).to.equal(2);
      await p.getToken(testConnection({ clientId: 'client-2' }));
      expect(tokens()).to.equal(3);
      await p.getToken(testConnection({ tenantId: 'other-tenant.example' }));
      expect(http.requestsTo('/other-tenant.example/oauth2/v2.0/token')).to.have.length(1);
      expect(p.size).to.equal(1);
      p.invalidate('integration-1');
      expect(p.size).to.equal(0);
    });

    it('reports a token without roles as granted nothing (consent missing does not fail the request)', async () => {
      const http = new FakeHttp();
      addFakeLogin(http, LOGIN, TENANT, { roles: [] });
      const g = createGraphClient({ fetch: http.fetch });
      const info = await g.getToken(testConnection());
      expect(info.roles).to.deep.equal([]);
      expect(info.claimsDecoded).to.equal(true);
      expect(info.accessToken).to.equal(undefined);
      const withToken = await g.getToken(testConnection(), { includeAccessToken: true });
      expect(withToken.accessToken).to.be.a('string');
    });

    const aadsts: [string, ReturnType<typeof oauthError>, string][] = [
      [
        'invalid secret',
        oauthError(401, 'invalid_client', 7000215, 'Invalid client secret provided.'),
        'invalid_secret',
      ],
      [
        'expired secret',
        oauthError(401, 'invalid_client', 7000222, 'The provided client secret keys are expired.'),
        'expired_secret',
      ],
      [
        'app not found',
        oauthError(400, 'unauthorized_client', 700016, 'Application not found in the directory.'),
        'app_not_found',
      ],
      ['tenant not found', oauthError(400, 'invalid_request', 90002, 'Tenant not found.'), 'tenant_not_found'],
      ['other cloud', oauthError(400, 'invalid_request', 90038, 'Tenant is in another cloud.'), 'wrong_cloud'],
      ['unknown AADSTS, invalid_client', oauthError(401, 'invalid_client', 9999999, 'New failure.'), 'invalid_client'],
    ];
    for (const [name, reply, reason] of aadsts) {
      it(`maps ${name} to GraphAuthError(${reason}) without leaking the secret`, async () => {
        const http = new FakeHttp();
        addFakeLogin(http, LOGIN, TENANT, { tokenReply: reply });
        const p = new MsalTokenProvider({ fetch: http.fetch });
        const err = await rejectionOf(p.getToken(testConnection()));
        expect(err).to.be.instanceOf(GraphAuthError);
        const e = err as GraphAuthError;
        expect(e.reason).to.equal(reason);
        expect(e.aadstsCode).to.equal(String(reply.json.error_codes[0]));
        expect(e.oauthError).to.equal(reply.json.error);
        expect(e.target).to.equal('login');
        expect(e.retryable).to.equal(false);
        expect(e.message).to.not.include('super-secret-value-123');
        expect(JSON.stringify(e)).to.not.include('super-secret-value-123');
      });
    }

    it('keeps the AADSTS code when the tenant is unknown at discovery time', async () => {
      const http = new FakeHttp();
      http.on('GET', /openid-configuration/, oauthError(400, 'invalid_tenant', 90002, "Tenant 'x' not found."));
      const p = new MsalTokenProvider({ fetch: http.fetch });
      const err = await rejectionOf(p.getToken(testConnection()));
      expect(err).to.be.instanceOf(GraphAuthError);
      expect((err as GraphAuthError).reason).to.equal('tenant_not_found');
      expect((err as GraphAuthError).aadstsCode).to.equal('90002');
    });

    it('fails within the configured timeout when the login host hangs', async () => {
      const http = new FakeHttp();
      addFakeLogin(http, LOGIN, TENANT, { tokenReply: { hang: true } });
      const p = new MsalTokenProvider({ fetch: http.fetch, loginTimeoutMs: 150 });
      const started = Date.now();
      const err = await rejectionOf(p.getToken(testConnection()));
      expect(Date.now() - started).to.be.lessThan(1500);
      expect(err).to.be.instanceOf(GraphTransientError);
      expect((err as GraphTransientError).reason).to.equal('timeout');
      expect((err as GraphTransientError).target).to.equal('login');
    });

    it('maps an unreachable login host and a 5xx / 429 from it to retryable errors', async () => {
      const down = new FakeHttp();
      down.on('GET', /openid-configuration/, { networkError: true });
      const e1 = await rejectionOf(new MsalTokenProvider({ fetch: down.fetch }).getToken(testConnection()));
      expect(e1).to.be.instanceOf(GraphTransientError);
      expect((e1 as GraphTransientError).reason).to.equal('network');

      const failing = new FakeHttp();
      addFakeLogin(failing, LOGIN, TENANT, {
        tokenReply: { status: 503, json: { error: 'temporarily_unavailable', error_description: 'busy' } },
      });
      const e2 = await rejectionOf(new MsalTokenProvider({ fetch: failing.fetch }).getToken(testConnection()));
      expect((e2 as GraphTransientError).retryable).to.equal(true);

      const throttled = new FakeHttp();
      addFakeLogin(throttled, LOGIN, TENANT, { tokenReply: { status: 429, json: { error: 'too_many_requests' } } });
      const e3 = await rejectionOf(new MsalTokenProvider({ fetch: throttled.fetch }).getToken(testConnection()));
      expect(e3).to.be.instanceOf(GraphThrottledError);
    });

    it('uses the global cloud authority when no endpoints are set', async () => {
      const http = new FakeHttp();
      const tokens = addFakeLogin(http, CLOUDS.global.login, TENANT);
      const p = new MsalTokenProvider({ fetch: http.fetch });
      await p.getToken(testConnection({ endpoints: null }));
      expect(tokens()).to.equal(1);
    });
  });

  describe('with a fake MSAL app', () => {
    it('builds one MSAL app per integration with the tenant authority and knownAuthorities', async () => {
      const configs: unknown[] = [];
      const app: ClientCredentialApp = {
        acquireTokenByClientCredential: async () => ({
          accessToken: fakeJwt({ roles: ['Calendars.ReadWrite'] }),
          expiresOn: new Date(Date.now() + 60_000),
        }),
      };
      const p = new MsalTokenProvider({ createApp: (c) => (configs.push(c), app) });
      await p.getToken(testConnection());
      await p.getToken(testConnection());
      await p.getToken(testConnection({ id: 'integration-2' }));
      expect(configs).to.have.length(2);
      const auth = (configs[0] as { auth: Record<string, unknown> }).auth;
      expect(auth.authority).to.equal(`${LOGIN}/${TENANT}`);
      expect(auth.knownAuthorities).to.deep.equal(['login.test.local']);
      expect((configs[0] as { system: Record<string, unknown> }).system.disableInternalRetries).to.equal(true);
    });

    it('hands the token MSAL gave out again for 30 s without asking MSAL, and never in its last five minutes', async () => {
      const clock = sinon.useFakeTimers({ now: Date.parse('2026-12-02T12:00:00Z'), toFake: ['Date'] });
      try {
        let asked = 0;
        let lifetimeMs = 3_600_000;
        const app: ClientCredentialApp = {
          acquireTokenByClientCredential: async () => ({
            accessToken: `token-${++asked}`,
            expiresOn: new Date(Date.now() + lifetimeMs),
          }),
        };
        const p = new MsalTokenProvider({ createApp: () => app });
        const first = await p.getToken(testConnection());
        for (let i = 0; i < 5; i++)
          expect((await p.getToken(testConnection())).accessToken).to.equal(first.accessToken);
        expect(asked).to.equal(1);
        clock.tick(29_000);
        await p.getToken(testConnection());
        expect(asked).to.equal(1);
        clock.tick(2_000);
        expect((await p.getToken(testConnection())).accessToken).to.equal('token-2');
        expect(asked).to.equal(2);
        // A token in its last five minutes: MSAL is asked every time (it renews it).
        lifetimeMs = 4 * 60_000;
        clock.tick(31_000);
        await p.getToken(testConnection());
        await p.getToken(testConnection());
        await p.getToken(testConnection());
        expect(asked).to.equal(5);
      } finally {
        clock.restore();
      }
    });

    it('evicts the least recently used integration beyond maxEntries', async () => {
      let built = 0;
      const app: ClientCredentialApp = {
        acquireTokenByClientCredential: async () => ({ accessToken: 'opaque', expiresOn: null }),
      };
      const p = new MsalTokenProvider({ maxEntries: 2, createApp: () => (built++, app) });
      await p.getToken(testConnection({ id: 'a' }));
      await p.getToken(testConnection({ id: 'b' }));
      await p.getToken(testConnection({ id: 'a' }));
      await p.getToken(testConnection({ id: 'c' }));
      expect(p.size).to.equal(2);
      await p.getToken(testConnection({ id: 'a' }));
      expect(built).to.equal(3);
      const t = await p.getToken(testConnection({ id: 'b' }));
      expect(built).to.equal(4);
      expect(t.claimsDecoded).to.equal(false);
    });
  });
});
