/**
 * Requests that no parser or route can use: corrupt or unknown content encodings, undecodable
 * percent-escapes in paths, job ids that are BullMQ's own key names. Each is the client's
 * mistake: a 4xx with the error shape, and nothing at warn or error in the logs.
 */
import { expect } from 'chai';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { Worker } from 'bullmq';
import { createRedisConnection, QUEUES } from '@ones-m365/shared/queue';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { captureLogs, type CapturedLogs } from '../../support/log-capture.js';
import { pollUntil } from '../../support/poll.js';
import { rawRequest, type RawResponse } from '../../support/raw-http.js';
import { TEST_REDIS } from '../../support/services.js';

function expectClientError(r: RawResponse, status: number, code: string): void {
  expect(r.status, r.text).to.equal(status);
  const body = r.json as { error: { code: string; message: string } };
  expect(body.error.code).to.equal(code);
  expect(body.error.message)
    .to.be.a('string')
    .and.not.match(/at .*\.(ts|js):\d+/);
}

describe('hostile input: bodies, paths and job ids a client got wrong', () => {
  let h: ApiHarness;
  let logs: CapturedLogs;
  before(async () => {
    logs = captureLogs();
    h = await startApiHarness({}, { logger: logs.logger });
  });
  after(() => h.close());
  beforeEach(() => logs.clear());
  /** A client's mistake is nothing an operator must look at: no warn, no error, no stack. */
  const expectQuietLogs = () => expect(logs.alarming()).to.deep.equal([]);

  const json = Buffer.from('{"name":"Hostile"}');
  const bodies: { what: string; encoding: string; body: Buffer; status: number; code: string }[] = [
    {
      what: 'gzip announced, plain body sent',
      encoding: 'gzip',
      body: Buffer.from('{}'),
      status: 400,
      code: 'invalid_body',
    },
    {
      what: 'truncated gzip',
      encoding: 'gzip',
      body: gzipSync(json).subarray(0, 12),
      status: 400,
      code: 'invalid_body',
    },
    {
      what: 'deflate announced, garbage sent',
      encoding: 'deflate',
      body: Buffer.from('not deflate at all'),
      status: 400,
      code: 'invalid_body',
    },
    { what: 'br announced, gzip sent', encoding: 'br', body: gzipSync(json), status: 400, code: 'invalid_body' },
    {
      what: 'gzip announced, deflate sent',
      encoding: 'gzip',
      body: deflateSync(json),
      status: 400,
      code: 'invalid_body',
    },
    { what: 'an unknown encoding', encoding: 'x-hostile', body: json, status: 415, code: 'unsupported_encoding' },
    {
      what: 'two encodings stacked',
      encoding: 'gzip, br',
      body: brotliCompressSync(gzipSync(json)),
      status: 415,
      code: 'unsupported_encoding',
    },
  ];

  const bodyRoutes = [
    { path: '/api/v1/groups', auth: true },
    { path: '/api/v1/integrations/test', auth: true },
    { path: '/webhooks/graph/notifications', auth: false },
    { path: '/webhooks/graph/lifecycle', auth: false },
  ];

  for (const route of bodyRoutes) {
    it(`${route.path}: a corrupt or unknown content encoding is a 4xx of its own`, async () => {
      for (const b of bodies) {
        const headers: [string, string][] = [
          ['content-type', 'application/json'],
          ['content-encoding', b.encoding],
        ];
        if (route.auth) headers.push(['authorization', `Bearer ${h.config.apiToken}`]);
        const r = await rawRequest(h.url, { method: 'POST', path: route.path, headers, body: b.body });
        expectClientError(r, b.status, b.code);
      }
      expectQuietLogs();
    });
  }

  it('a validation handshake with an over-long token is 400 in the error shape, naming the token', async () => {
    for (const path of ['/webhooks/graph/notifications', '/webhooks/graph/lifecycle']) {
      const r = await rawRequest(h.url, { method: 'POST', path: `${path}?validationToken=${'x'.repeat(1_025)}` });
      expectClientError(r, 400, 'validation_failed');
      expect((r.json as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).to.deep.equal([
        'query.validationToken',
      ]);
    }
    expectQuietLogs();
  });

  it('an unknown charset is 415', async () => {
    const auth: [string, string] = ['authorization', `Bearer ${h.config.apiToken}`];
    const charset = await rawRequest(h.url, {
      method: 'POST',
      path: '/api/v1/groups',
      headers: [auth, ['content-type', 'application/json; charset=klingon']],
      body: json,
    });
    expectClientError(charset, 415, 'unsupported_encoding');
    expectQuietLogs();
  });

  it('a small compressed body that inflates past the limit is 413', async () => {
    const bomb = gzipSync(Buffer.alloc(3_000_000, 0x20));
    for (const route of bodyRoutes) {
      const headers: [string, string][] = [
        ['content-type', 'application/json'],
        ['content-encoding', 'gzip'],
      ];
      if (route.auth) headers.push(['authorization', `Bearer ${h.config.apiToken}`]);
      expectClientError(
        await rawRequest(h.url, { method: 'POST', path: route.path, headers, body: bomb }),
        413,
        'payload_too_large',
      );
    }
    expectQuietLogs();
  });

  it('a valid gzip body is read as usual', async () => {
    const r = await rawRequest(h.url, {
      method: 'POST',
      path: '/api/v1/groups',
      headers: [
        ['authorization', `Bearer ${h.config.apiToken}`],
        ['content-type', 'application/json'],
        ['content-encoding', 'gzip'],
      ],
      body: gzipSync(json),
    });
    expect(r.status, r.text).to.equal(201);
    expect((r.json as { name: string }).name).to.equal('Hostile');
  });

  it('an undecodable percent-escape in a path parameter is 400 naming the path', async () => {
    const id = '6f1c1d7e-3a55-4c1b-9a7e-2b7d2c9e8f10';
    for (const path of [
      '/api/v1/integrations/%FF',
      '/api/v1/jobs/%FF',
      `/api/v1/integrations/${id}/sync-runs/%FF/confirm`,
      '/api/v1/integrations/%E0%A4%A',
    ]) {
      const method = path.endsWith('/confirm') ? 'POST' : 'GET';
      const r = await rawRequest(h.url, { method, path, headers: [['authorization', `Bearer ${h.config.apiToken}`]] });
      expectClientError(r, 400, 'invalid_path');
      const body = r.json as { error: { message: string; details: { field: string }[] } };
      expect(body.error.message).to.include(path);
      expect(body.error.details.map((d) => d.field)).to.deep.equal(['path']);
    }
    expectQuietLogs();
  });

  it('the same path without a token is still 401: authentication comes first', async () => {
    const r = await rawRequest(h.url, { method: 'GET', path: '/api/v1/integrations/%FF' });
    expectClientError(r, 401, 'unauthorized');
  });

  describe('job ids', () => {
    let finishedJobId: string;
    before(async () => {
      // Make BullMQ write every key of its own: a finished job (id, meta, events, completed,
      // stalled-check) and a job scheduler (repeat, repeat:<id>, delayed).
      const connection = createRedisConnection(TEST_REDIS, 'worker');
      const worker = new Worker(QUEUES.maintenance, async () => 'done', {
        connection,
        prefix: h.config.keyPrefix,
        stalledInterval: 1_000,
      });
      const job = await h.producer.queue(QUEUES.maintenance).add('maintenance.prune-sync-runs', { olderThanDays: 30 });
      finishedJobId = String(job.id);
      await pollUntil('the job to complete', () => job.isCompleted(), Boolean);
      await h.producer
        .queue(QUEUES.maintenance)
        .upsertJobScheduler(
          'prune-sync-runs',
          { every: 3_600_000 },
          { name: 'maintenance.prune-sync-runs', data: { olderThanDays: 30 } },
        );
      await pollUntil(
        'the stalled check to run',
        async () => (await h.redis.exists(`${h.config.keyPrefix}:${QUEUES.maintenance}:stalled-check`)) === 1,
        Boolean,
      );
      await worker.close();
      connection.disconnect();
    });

    it("BullMQ's own key names are no job: 404", async () => {
      for (const name of [
        'id',
        'meta',
        'events',
        'completed',
        'delayed',
        'repeat',
        'stalled-check',
        'repeat:prune-sync-runs',
        'wait',
        'marker',
      ]) {
        const r = await h.call(`/api/v1/jobs/${encodeURIComponent(name)}`);
        expect(r.status, `${name}: ${JSON.stringify(r.body)}`).to.equal(404);
        expect(r.body.error.code).to.equal('not_found');
      }
      expectQuietLogs();
    });

    it('a job id of the shapes this service hands out is looked up', async () => {
      const found = await h.call(`/api/v1/jobs/${finishedJobId}`);
      expect(found.status, JSON.stringify(found.body)).to.equal(200);
      expect(found.body).to.include({ id: finishedJobId, state: 'completed' });
      expect((await h.call('/api/v1/jobs/6f1c1d7e-3a55-4c1b-9a7e-2b7d2c9e8f10')).status).to.equal(404);
    });
  });
});
