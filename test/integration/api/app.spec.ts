import { expect } from 'chai';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

describe('api app (real MySQL and Redis)', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness({ BODY_LIMIT: '2kb' });
  });
  after(() => h.close());

  describe('unauthenticated routes', () => {
    it('/healthz and /readyz answer without a token', async () => {
      expect((await h.call('/healthz', { auth: false })).body).to.deep.equal({ status: 'ok' });
      const ready = await h.call('/readyz', { auth: false });
      expect(ready.status).to.equal(200);
      expect(ready.body.checks).to.deep.equal({ database: { ok: true }, redis: { ok: true } });
    });

    it('/metrics is Prometheus text with request and queue metrics', async () => {
      await h.call('/api/v1/groups');
      const m = await h.call('/metrics', { auth: false });
      expect(m.headers.get('content-type')).to.include('text/plain');
      expect(m.body).to.include(
        'ones_m365_http_request_duration_seconds_count{method="GET",route="/api/v1/groups",status="200"}',
      );
      expect(m.body).to.match(/ones_m365_queue_jobs\{queue="sync",state="waiting"\} 0/);
    });
  });

  describe('authentication', () => {
    it('refuses a missing, malformed or wrong token with the same 401', async () => {
      const answers = await Promise.all([
        h.call('/api/v1/groups', { auth: false }),
        h.call('/api/v1/groups', { headers: { authorization: `Basic ${h.config.apiToken}` } }),
        h.call('/api/v1/groups', { headers: { authorization: `Bearer ${h.config.apiToken}x` } }),
        h.call('/api/v1/groups', { headers: { authorization: 'Bearer ' } }),
      ]);
      for (const a of answers) {
        expect(a.status).to.equal(401);
        expect(a.body).to.deep.equal({ error: { code: 'unauthorized', message: 'Missing or invalid bearer token' } });
      }
    });

    it('protects the dashboard with basic auth', async () => {
      const denied = await h.call('/admin/queues', { auth: false });
      expect(denied.status).to.equal(401);
      expect(denied.headers.get('www-authenticate')).to.match(/^Basic/);
      const basic = Buffer.from(`${h.config.dashboard.user}:${h.config.dashboard.password}`).toString('base64');
      const ok = await h.call('/admin/queues', { headers: { authorization: `Basic ${basic}` } });
      expect(ok.status).to.equal(200);
      expect(String(ok.body)).to.include('<html');
      const queues = await h.call('/admin/queues/api/queues', { headers: { authorization: `Basic ${basic}` } });
      expect(queues.body.queues.map((q: { name: string }) => q.name)).to.have.members([
        'sync',
        'maintenance',
        'subscriptions',
        'calendars',
        'events',
      ]);
    });
  });

  describe('bad input', () => {
    it('answers malformed JSON with 400 in the contract error shape', async () => {
      const r = await h.call('/api/v1/groups', {
        method: 'POST',
        body: '{"name":',
        headers: { 'content-type': 'application/json' },
      });
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('invalid_json');
    });

    it('answers an oversized body with 413', async () => {
      const r = await h.call('/api/v1/groups', { method: 'POST', json: { name: 'x'.repeat(5000) } });
      expect(r.status).to.equal(413);
      expect(r.body.error.code).to.equal('payload_too_large');
    });

    it('names each bad field in a 400', async () => {
      const r = await h.call('/api/v1/groups', { method: 'POST', json: { name: '', extra: 1 } });
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('validation_failed');
      const fields = r.body.error.details.map((d: { field: string }) => d.field);
      expect(fields).to.include.members(['body.name', 'body']);
      expect(r.body.error.details.find((d: { field: string }) => d.field === 'body.name').message).to.equal(
        'must not be empty',
      );
    });

    it('answers unknown routes with 404 JSON', async () => {
      const r = await h.call('/api/v1/nothing-here');
      expect(r.status).to.equal(404);
      expect(r.body.error.code).to.equal('not_found');
      expect((await h.call('/nowhere', { auth: false })).status).to.equal(404);
    });

    it('survives hostile requests (the process keeps answering)', async () => {
      const bodies = ['\u0000', '[]', 'null', '"str"', '{"name":{"$gt":""}}', `{"name":"${'\\u0000'.repeat(10)}"}`];
      for (const body of bodies) {
        const r = await h.call('/api/v1/groups', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        });
        expect(r.status, body).to.be.oneOf([400, 201]);
      }
      expect((await h.call('/healthz', { auth: false })).status).to.equal(200);
    });
  });

  describe('groups and jobs', () => {
    it('creates and lists ONES groups; a duplicate name is a 409', async () => {
      const created = await h.call('/api/v1/groups', { method: 'POST', json: { name: 'All staff' } });
      expect(created.status).to.equal(201);
      expect(created.body).to.have.keys(['id', 'name']);
      expect((await h.call('/api/v1/groups', { method: 'POST', json: { name: 'All staff' } })).status).to.equal(409);
      const list = await h.call('/api/v1/groups');
      expect(list.body.items.map((g: { name: string }) => g.name)).to.include('All staff');
    });

    it('reports a queued job by id, and 404 for an unknown one', async () => {
      const { id } = await h.producer.enqueue('maintenance.prune-sync-runs', { olderThanDays: 30 });
      const r = await h.call(`/api/v1/jobs/${id}`);
      expect(r.status).to.equal(200);
      expect(r.body).to.include({ id, name: 'maintenance.prune-sync-runs', state: 'waiting' });
      expect((await h.call('/api/v1/jobs/does-not-exist')).status).to.equal(404);
    });
  });

  describe('OpenAPI', () => {
    it('describes the routes from the schemas that validate them', async () => {
      const r = await h.call('/api/v1/openapi.json');
      expect(r.body.openapi).to.equal('3.1.0');
      const post = r.body.paths['/api/v1/groups'].post;
      expect(post.requestBody.content['application/json'].schema.properties.name.maxLength).to.equal(120);
      expect(r.body.paths['/api/v1/jobs/{jobId}'].get.parameters[0]).to.include({ name: 'jobId', in: 'path' });
    });
  });
});

describe('api readiness without Redis', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  after(() => h.close());

  it('answers /readyz 503 naming Redis, and /healthz still 200', async () => {
    const r = await h.call('/readyz', { auth: false });
    expect(r.status).to.equal(503);
    expect(r.body.checks.redis.ok).to.equal(false);
    expect(r.body.checks.database.ok).to.equal(true);
    expect((await h.call('/healthz', { auth: false })).status).to.equal(200);
  });
});
