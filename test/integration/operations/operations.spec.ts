/**
 * Operations against the real parts: api + worker + Graph simulator (HTTPS), MariaDB and Redis.
 * Secret expiry and AADSTS7000222 in the status and health, the health checks from what the
 * service recorded, and /metrics exporting every metric the alert rules and the dashboard use.
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

const DAY_MS = 86_400_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

describe('operations: secret expiry, health, metrics (simulator)', function () {
  this.timeout(60_000);
  let w: WebhookHarness;
  let id: string;
  const expiresAt = isoDate(new Date(Date.now() + 10 * DAY_MS));
  const health = async (integrationId: string) =>
    (await w.h.call(`/api/v1/integrations/${integrationId}/health`)).body as {
      status: string;
      checks: { name: string; status: string; message: string }[];
    };
  const check = async (integrationId: string, name: string) =>
    (await health(integrationId)).checks.find((c) => c.name === name)!;

  before(async () => {
    w = await startWebhookHarness();
    id = await w.create({ clientSecretExpiresAt: expiresAt });
    await w.enable(id);
    await w.until(
      'a subscription',
      () => w.subscriptions.listForIntegration(id),
      (r) => r.length === 1,
    );
    await w.syncIdle();
  });
  after(async () => w?.close());

  it('validates clientSecretExpiresAt on create and PATCH, naming the field', async () => {
    const created = await w.h.call('/api/v1/integrations', {
      method: 'POST',
      json: {
        name: 'x',
        cloud: 'global',
        tenantId: w.sim.tenantId,
        clientId: w.sim.clientId,
        clientSecret: 's',
        clientSecretExpiresAt: 'next week',
      },
    });
    expect(created.status).to.equal(400);
    expect(created.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal([
      'body.clientSecretExpiresAt',
    ]);
    const patched = await w.h.call(`/api/v1/integrations/${id}`, {
      method: 'PATCH',
      json: { clientSecretExpiresAt: 20270101 },
    });
    expect(patched.status).to.equal(400);
    expect(patched.body.error.details[0].field).to.equal('body.clientSecretExpiresAt');
  });

  it('a secret expiring within 30 days: the status reason and health warn, with the rotation step', async () => {
    const integration = (await w.h.call(`/api/v1/integrations/${id}`)).body;
    expect(integration.clientSecretExpiresAt).to.equal(`${expiresAt}T00:00:00.000Z`);
    expect(integration.statusReason).to.include(`expires on ${expiresAt}`).and.include('New client secret');
    const h = await health(id);
    expect(h.status).to.equal('warning');
    expect(h.checks.map((c) => c.name)).to.include.members([
      'credentials',
      'stream:users',
      'stream:rooms',
      'subscriptions',
      'throttling',
      'confirmation',
    ]);
    const credentials = h.checks.find((c) => c.name === 'credentials')!;
    expect(credentials.status).to.equal('warning');
    expect(credentials.message).to.include('A token was issued').and.include(`expires on ${expiresAt}`);
    for (const name of ['stream:users', 'stream:rooms', 'subscriptions', 'throttling', 'confirmation']) {
      expect(
        h.checks.find((c) => c.name === name),
        name,
      ).to.include({ status: 'ok' });
    }
    expect(h.checks.find((c) => c.name === 'stream:users')!.message).to.include('last successful sync');
  });

  it('throttled Graph requests in the last hour show in health', async () => {
    w.sim.addErrorFault({ status: 429, retryAfterSeconds: 1, count: 1, match: '/places/' });
    const r = await w.h.call(`/api/v1/integrations/${id}/sync`, {
      method: 'POST',
      json: { scope: 'rooms', mode: 'full' },
    });
    expect(r.status).to.equal(202);
    const throttling = await w.until(
      'the throttling check to warn',
      () => check(id, 'throttling'),
      (c) => c.status === 'warning',
    );
    expect(throttling.message).to.include('1 request');
    await w.syncIdle();
  });

  it('a new secret without an expiry clears the warning', async () => {
    const r = await w.h.call(`/api/v1/integrations/${id}`, {
      method: 'PATCH',
      json: { clientSecret: w.sim.clientSecret },
    });
    expect(r.status).to.equal(200);
    expect(r.body.clientSecretExpiresAt).to.equal(null);
    expect(r.body.statusReason).to.equal(null);
    expect((await check(id, 'credentials')).status).to.equal('ok');
  });

  describe('AADSTS7000222 on any token request', () => {
    let expired: string;
    let tenant: ReturnType<WebhookHarness['sim']['createTenant']>;
    before(async () => {
      tenant = w.sim.createTenant({ users: 3, rooms: 1 });
      const app = tenant.apps[0]!;
      w.sim.expireSecrets(app.appId, tenant.tenantId);
      expired = await w.create({
        name: 'Expired',
        tenantId: tenant.tenantId,
        clientId: app.appId,
        clientSecret: app.secrets[0]!.value,
      });
    });

    it("Test settings: the integration's status says the secret expired, with the fix", async () => {
      const r = await w.h.call(`/api/v1/integrations/${expired}/test`, { method: 'POST' });
      expect(r.body.error.code).to.equal('expired_secret');
      const integration = await w.until(
        'the status reason',
        async () => (await w.h.call(`/api/v1/integrations/${expired}`)).body,
        (i) => i.statusReason !== null,
      );
      expect(integration.statusReason).to.include('AADSTS7000222').and.include('PATCH /api/v1/integrations/{id}');
      const h = await health(expired);
      expect(h.status).to.equal('failing');
      expect(h.checks.find((c) => c.name === 'credentials')!.message).to.include('AADSTS7000222');
    });

    it("a sync's token request (worker) fails the stream; a rotated secret clears the status", async () => {
      await w.enable(expired);
      const users = await w.until(
        'the users stream to fail',
        () => check(expired, 'stream:users'),
        (c) => c.status === 'failing',
      );
      expect(users.message).to.include('AADSTS7000222');
      // Enabling reset the status; the worker's own token request says it again (not as a polling fallback).
      const integration = await w.until(
        'the expired-secret status',
        async () => (await w.h.call(`/api/v1/integrations/${expired}`)).body,
        (i) => i.statusReason !== null,
      );
      expect(integration.statusReason).to.match(
        /^Client secret: Microsoft answered that it has expired \(AADSTS7000222\)/,
      );
      const fresh = w.sim.addSecret(tenant.apps[0]!.appId, {}, tenant.tenantId);
      const r = await w.h.call(`/api/v1/integrations/${expired}`, {
        method: 'PATCH',
        json: { clientSecret: fresh.value, clientSecretExpiresAt: fresh.expiresAt },
      });
      expect(r.body.statusReason).to.equal(null);
      expect((await check(expired, 'credentials')).status).to.equal('ok');
    });
  });

  it('health: 404 for an unknown integration, 400 naming a bad id', async () => {
    expect((await w.h.call('/api/v1/integrations/0b0b0b0b-1111-4222-8333-444444444444/health')).status).to.equal(404);
    const bad = await w.h.call('/api/v1/integrations/nope/health');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('params.id');
  });

  describe('/metrics', () => {
    let text: string;
    before(async () => {
      await w.h.call(`/api/v1/integrations/${id}`, { method: 'PATCH', json: { clientSecretExpiresAt: '2027-06-30' } });
      await w.syncIdle();
      text = (await w.h.call('/metrics', { auth: false })).body as string;
    });

    /** Metric names as exported (a histogram's series are its name plus _bucket, _sum, _count). */
    const exported = () =>
      new Set(
        [...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].flatMap(([, name, type]) =>
          type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`, name!] : [name!],
        ),
      );
    const used = (source: string) => new Set(source.match(/ones_m365_[a-z0-9_]+/g) ?? []);
    const sample = (name: string, labels: string) =>
      text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));

    it('exports every metric the alert rules use, and has each alert the runbook names', async () => {
      const alerts = await readFile(new URL('../../../infra/prometheus/alerts.yml', import.meta.url), 'utf8');
      const missing = [...used(alerts)].filter((m) => !exported().has(m));
      expect(missing, 'metrics used by infra/prometheus/alerts.yml but not exported').to.deep.equal([]);
      for (const alert of [
        'ClientSecretExpiresWithin30Days',
        'ClientSecretExpiresWithin7Days',
        'ClientSecretExpired',
        'StreamNotSynced',
        'SubscriptionsNotRenewed',
        'QueueBackingUp',
        'JobsFailing',
        'EventsDeliveryFailing',
        'EventsGivenUp',
        'ApiNotReady',
      ]) {
        expect(alerts).to.match(new RegExp(`- alert: OnesM365${alert}\\n`));
      }
    });

    it("exports every metric the Grafana dashboard's panels use", async () => {
      const dashboard = JSON.parse(
        await readFile(new URL('../../../infra/grafana/ones-m365.json', import.meta.url), 'utf8'),
      ) as { panels: { title: string; targets: { expr: string }[] }[] };
      expect(dashboard.panels.length).to.be.greaterThan(5);
      for (const panel of dashboard.panels) {
        const missing = panel.targets.flatMap((t) => [...used(t.expr)]).filter((m) => !exported().has(m));
        expect(missing, `panel "${panel.title}"`).to.deep.equal([]);
      }
    });

    it('carries what the service recorded, labelled by integration and stream kind', () => {
      expect(sample('ones_m365_stream_last_success_timestamp_seconds', `integration="${id}",stream="users"`)).to.be.a(
        'string',
      );
      expect(sample('ones_m365_subscription_expiry_timestamp_seconds', `integration="${id}",stream="users"`)).to.be.a(
        'string',
      );
      expect(sample('ones_m365_client_secret_expiry_timestamp_seconds', `integration="${id}"`)).to.match(
        new RegExp(` ${Date.parse('2027-06-30T00:00:00Z') / 1000}$`),
      );
      expect(Number(sample('ones_m365_graph_throttled_total', `integration="${id}"`)!.split(' ')[1])).to.be.at.least(1);
      expect(Number(sample('ones_m365_graph_requests_total', `integration="${id}"`)!.split(' ')[1])).to.be.greaterThan(
        1,
      );
      expect(sample('ones_m365_sync_runs_total', `integration="${id}",stream="rooms",status="succeeded"`)).to.be.a(
        'string',
      );
      expect(sample('ones_m365_ready', 'dependency="database"')).to.match(/ 1$/);
      expect(text).to.not.match(/graph_requests_total\{integration="unsaved-/);
    });
  });
});
