import { expect } from 'chai';
import { request } from 'node:http';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

/** A GET whose header values may be arrays: Node then sends one header line per value (fetch would join them). */
function rawGet(url: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('loose inputs are refused (real MySQL and Redis)', () => {
  let h: ApiHarness;
  let integrationId: string;
  before(async () => {
    h = await startApiHarness();
    const created = await h.call('/api/v1/integrations', {
      method: 'POST',
      json: {
        name: 'Loose',
        cloud: 'global',
        tenantId: 'contoso.onmicrosoft.com',
        clientId: '11111111-2222-4333-8444-555555555555',
        clientSecret: 'secret-value',
      },
    });
    integrationId = created.body.id;
  });
  after(() => h.close());

  describe('more than one Authorization header', () => {
    it('is a 401 whichever header comes first, on the API and on the dashboard', async () => {
      const good = `Bearer ${h.config.apiToken}`;
      const basic = `Basic ${Buffer.from(`${h.config.dashboard.user}:${h.config.dashboard.password}`).toString('base64')}`;
      const answers = await Promise.all([
        rawGet(`${h.url}/api/v1/groups`, { authorization: [good, 'Bearer wrong-token-wrong-token'] }),
        rawGet(`${h.url}/api/v1/groups`, { authorization: ['Bearer wrong-token-wrong-token', good] }),
        rawGet(`${h.url}/api/v1/groups`, { authorization: [good, good] }),
        rawGet(`${h.url}/admin/queues/api/queues`, { authorization: [basic, 'Basic eDp5'] }),
      ]);
      expect(answers.map((a) => a.status)).to.deep.equal([401, 401, 401, 401]);
      expect(answers[0].body).to.deep.equal({
        error: { code: 'unauthorized', message: 'Missing or invalid bearer token' },
      });
    });

    it('still lets one good header in', async () => {
      expect(
        (await rawGet(`${h.url}/api/v1/groups`, { authorization: `Bearer ${h.config.apiToken}` })).status,
      ).to.equal(200);
    });
  });

  describe('integer query parameters take decimal digits only', () => {
    const listPaths = () => [
      `/api/v1/integrations/${integrationId}/users`,
      `/api/v1/integrations/${integrationId}/rooms`,
      `/api/v1/integrations/${integrationId}/sync-runs`,
    ];

    for (const [label, raw] of [
      ['hexadecimal', '0x10'],
      ['a leading space', '%205'],
      ['a trailing space', '5%20'],
      ['an exponent', '1e2'],
      ['a plus sign', '%2B5'],
      ['a minus sign', '-1'],
      ['a fraction', '2.0'],
      ['empty', ''],
      ['zero', '0'],
      ['above the maximum', '501'],
      ['a huge number', '9'.repeat(40)],
      ['two values', '1&limit=2'],
      ['letters', 'ten'],
    ] as const) {
      it(`limit with ${label} (${raw}) is a 400 naming query.limit`, async () => {
        for (const path of listPaths()) {
          const r = await h.call(`${path}?limit=${raw}`);
          expect(r.status, path).to.equal(400);
          expect(r.body.error.code).to.equal('validation_failed');
          expect(r.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['query.limit']);
        }
      });
    }

    it('accepts decimal digits, leading zeros included, and defaults when absent', async () => {
      for (const path of listPaths()) {
        for (const q of ['?limit=5', '?limit=005', '?limit=500', '']) {
          expect((await h.call(path + q)).status, path + q).to.equal(200);
        }
      }
    });

    it('documents the parameter as a string of digits in the OpenAPI document', async () => {
      const doc = (await h.call('/api/v1/openapi.json')).body;
      const limit = doc.paths['/api/v1/integrations/{id}/users'].get.parameters.find(
        (p: { name: string }) => p.name === 'limit',
      );
      expect(limit).to.deep.include({ in: 'query', required: false });
      expect(limit.schema.type).to.equal('string');
      expect(limit.schema.pattern).to.equal('^[0-9]{1,15}$');
    });
  });
});
