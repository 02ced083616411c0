/**
 * Property-based hostile input against every route of the OpenAPI document (read from a running
 * api on MariaDB + Redis) and the Graph webhook endpoints: generated path segments, query
 * strings, headers and bodies (malformed, compressed and corrupt, deeply nested, huge, prototype
 * keys, bad encodings, wrong content types, repeated headers). Every answer is a 4xx with the
 * error shape or one of the route's documented successes, never a 5xx; the process stays up,
 * the prototype chain clean, no job is enqueued and Graph is never called.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { startGraphSimulator, type GraphSimulator } from '@ones-m365/graph-simulator';
import { sha256Hex } from '@ones-m365/shared/crypto';
import { GraphSubscriptionRepository, IntegrationRepository } from '@ones-m365/shared/db';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';
import { trustCa } from '../../support/graph-simulator-clients.js';
import {
  forgedNotifications,
  hostileBody,
  hostileHeaders,
  hostileQuery,
  hostileSegment,
  type HeaderPair,
} from '../../support/hostile-inputs.js';
import { captureLogs, type CapturedLogs } from '../../support/log-capture.js';
import { rawRequest, type RawResponse } from '../../support/raw-http.js';
import { integrationBody } from '../../support/settings-harness.js';

interface Operation {
  method: string;
  template: string;
  bearer: boolean;
  fields: string[];
  documented: Set<number>;
  /** A browser page (the sign-in routes): its refusals are HTML pages, not the JSON error shape. */
  html: boolean;
}

/** Runs per route: enough to hit every generator branch, bounded so the suite stays short. */
const RUNS_PER_ROUTE = 24;
const SUBSCRIPTION_ID = 'property-suite-subscription';

function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const out: Operation[] = [];
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const schema = (
        op.requestBody as
          { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } | undefined
      )?.content?.['application/json']?.schema;
      out.push({
        method: method.toUpperCase(),
        template,
        bearer: Array.isArray(op.security) && op.security.length > 0,
        fields: Object.keys(schema?.properties ?? {}),
        documented: new Set(Object.keys(op.responses as object).map(Number)),
        html: Object.values(op.responses as Record<string, { content?: object }>).some((res) =>
          Object.keys(res.content ?? {}).includes('text/html'),
        ),
      });
    }
  }
  return out;
}

function fill(template: string, segments: string[]): string {
  let i = 0;
  return template.replace(/\{[^}]+\}/g, () => segments[i++ % segments.length]!);
}

function expectWellFormed(op: Operation, r: RawResponse, what: string, conditional = false): void {
  const where = `${op.method} ${op.template} (${what}) → ${r.status} ${r.text.slice(0, 300)}`;
  expect(r.status, where).to.be.below(500);
  // `If-None-Match: *` on a GET is a conditional request, and "not modified" its right answer.
  if (conditional && r.status === 304) return;
  // A browser page refuses with an HTML page; a request the router cannot even route (a path that
  // does not percent-decode) gets the JSON error shape there too.
  if (r.status >= 400 && op.html && String(r.headers['content-type']).startsWith('text/html')) {
    expect(r.text, where).to.match(/^<!doctype html>/i);
    expect(r.text, `${where}: echoed markup`).not.to.match(/<(script|img|svg|iframe)\b/i);
  } else if (r.status >= 400) {
    const body = r.json as { error?: { code?: unknown; message?: unknown } } | undefined;
    expect(body?.error?.code, where).to.be.a('string');
    expect(body?.error?.message, where).to.be.a('string');
    expect(Object.keys(body!), where).to.deep.equal(['error']);
  } else {
    expect(op.documented.has(r.status), `${where}: an undocumented success`).to.equal(true);
  }
}

describe('hostile input, property-based, on every route of the OpenAPI document', function () {
  this.timeout(120_000);
  let sim: GraphSimulator;
  let h: ApiHarness;
  let logs: CapturedLogs;
  let operations: Operation[];
  let jobsBefore: number;
  const knownClientState = 'property-suite-client-state-0123456789';

  const countJobs = async () => {
    let n = 0;
    for (const q of h.producer.queues()) n += Object.values(await q.getJobCounts()).reduce((a, b) => a + b, 0);
    return n;
  };

  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 13, users: 5, rooms: 2, groups: 1 } });
    trustCa(sim.caCertPem);
    logs = captureLogs();
    h = await startApiHarness({ ALLOW_CUSTOM_ENDPOINTS: 'true' }, { logger: logs.logger });
    const created = await h.call('/api/v1/integrations', { method: 'POST', json: integrationBody(sim) });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    // Enabled and subscribed, as far as the webhook endpoint can tell: forged notifications name a real subscription.
    await new IntegrationRepository(h.db.ds).update(created.body.id, { status: 'enabled' });
    await new GraphSubscriptionRepository(h.db.ds).add({
      integrationId: created.body.id,
      graphSubscriptionId: SUBSCRIPTION_ID,
      resource: '/users',
      changeType: 'updated,deleted',
      stream: 'users',
      clientStateHash: sha256Hex(knownClientState),
      expiresAt: new Date(Date.now() + 24 * 3600_000),
    });
    const doc = await h.call('/api/v1/openapi.json');
    operations = operationsOf(doc.body);
    jobsBefore = await countJobs();
    sim.resetCounters();
    logs.clear();
  });
  after(async () => {
    await h?.close();
    await sim?.close();
  });

  it('reads a route list from the document that includes the API and the webhooks', () => {
    const templates = operations.map((o) => `${o.method} ${o.template}`);
    expect(templates).to.include.members([
      'GET /api/v1/jobs/{jobId}',
      'PATCH /api/v1/integrations/{id}',
      'POST /webhooks/graph/notifications',
      'POST /webhooks/graph/lifecycle',
    ]);
    expect(operations.length).to.be.above(20);
  });

  it('answers every generated request with a 4xx in the error shape or a documented success', async () => {
    for (const op of operations) {
      const request = fc.record({
        segments: fc.array(hostileSegment, { minLength: 1, maxLength: 3 }),
        query: hostileQuery,
        headers: hostileHeaders,
        body: fc.option(hostileBody(op.fields), { nil: undefined, freq: 4 }),
        auth: fc.constantFrom<'valid' | 'missing' | 'wrong' | 'repeated'>(
          'valid',
          'valid',
          'valid',
          'missing',
          'wrong',
          'repeated',
        ),
      });
      await fc.assert(
        fc.asyncProperty(request, async (req) => {
          const headers: HeaderPair[] = [...(req.body?.headers ?? []), ...req.headers];
          const token = `Bearer ${h.config.apiToken}`;
          if (req.auth === 'valid') headers.push(['authorization', token]);
          if (req.auth === 'wrong') headers.push(['authorization', `${token}x`]);
          if (req.auth === 'repeated') headers.push(['authorization', token], ['authorization', 'Bearer wrong']);
          const path = `${fill(op.template, req.segments)}${req.query}`;
          const r = await rawRequest(h.url, { method: op.method, path, headers, body: req.body?.bytes });
          const conditional = headers.some(([k]) => k === 'if-none-match');
          expectWellFormed(op, r, `${req.body?.what ?? 'no body'}, path ${path.slice(0, 120)}`, conditional);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
  });

  it('ignores forged notifications that name a real subscription without its clientState', async () => {
    const webhooks = operations.filter((o) => o.template.startsWith('/webhooks/'));
    expect(webhooks).to.have.length(2);
    for (const op of webhooks) {
      await fc.assert(
        fc.asyncProperty(forgedNotifications(SUBSCRIPTION_ID, sim.tenantId), hostileHeaders, async (batch, extra) => {
          const r = await rawRequest(h.url, {
            method: 'POST',
            path: op.template,
            headers: [['content-type', 'application/json'], ...extra],
            body: JSON.stringify(batch),
          });
          expectWellFormed(op, r, 'forged notification');
        }),
        { numRuns: RUNS_PER_ROUTE * 2 },
      );
    }
  });

  it('did no work and stayed whole: no job, no Graph call, no server error logged, no polluted prototype', async () => {
    expect(await countJobs(), 'jobs enqueued by hostile requests').to.equal(jobsBefore);
    expect(sim.requestCount(), JSON.stringify(sim.counters())).to.equal(0);
    expect(
      logs.lines().filter((l) => l.level === 'error'),
      'server errors logged',
    ).to.deep.equal([]);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect((await h.call('/healthz', { auth: false })).status).to.equal(200);
    expect((await h.call('/api/v1/groups')).status).to.equal(200);
  });
});
