import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { GraphSubscriptionRepository, IntegrationRepository } from '@ones-m365/shared/db';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';

for (const kind of ['mysql', 'sqlite'] as const) {
  describe(`GraphSubscriptionRepository (${kind})`, () => {
    let db: TestDatabase;
    let subs: GraphSubscriptionRepository;
    let integrations: IntegrationRepository;
    const integration = async (status: 'enabled' | 'disabled', deleted = false) => {
      const i = await integrations.create({
        name: 'x',
        cloud: 'global',
        tenantId: 'AAAAAAAA-0000-0000-0000-000000000001',
        clientId: randomUUID(),
        clientSecretSealed: 's',
        clientSecretHint: 'abc',
        endpoints: null,
      });
      await integrations.update(i.id, { status });
      if (deleted) await integrations.softDelete(i.id);
      return i.id;
    };
    const add = (integrationId: string, graphSubscriptionId: string, expiresInMs: number) =>
      subs.add({
        integrationId,
        graphSubscriptionId,
        resource: '/users',
        changeType: 'updated,deleted',
        stream: 'users',
        clientStateHash: 'cd'.repeat(32),
        expiresAt: new Date(Date.now() + expiresInMs),
      });

    before(async () => {
      db = await openTestDatabase(kind);
      subs = new GraphSubscriptionRepository(db.ds);
      integrations = new IntegrationRepository(db.ds);
    });
    after(async () => db?.drop());

    it('lists for the webhook check only subscriptions of live, enabled integrations, with their tenant', async () => {
      const on = await integration('enabled');
      const off = await integration('disabled');
      const gone = await integration('enabled', true);
      await add(on, 'g-on', 3600_000);
      await add(off, 'g-off', 3600_000);
      await add(gone, 'g-gone', 3600_000);
      const rows = await subs.listForWebhookCheck();
      expect(rows).to.deep.equal([
        {
          graphSubscriptionId: 'g-on',
          integrationId: on,
          stream: 'users',
          clientStateHash: 'cd'.repeat(32),
          tenantId: 'AAAAAAAA-0000-0000-0000-000000000001',
        },
      ]);
      expect((await subs.countsByIntegration([on, off, 'none'])).get(on)).to.equal(1);
      expect((await subs.countsByIntegration([on, off, 'none'])).has('none')).to.equal(false);
    });

    it('finds subscriptions due for renewal by expiry or by a lifecycle flag, soonest first, at most the limit', async () => {
      const a = await integration('enabled');
      const b = await integration('enabled');
      const soonest = await add(a, 'g-soonest', 30_000);
      const next = await add(a, 'g-soon', 60_000);
      const later = await add(b, 'g-later', 48 * 3600_000);
      const soon = new Date(Date.now() + 3600_000);
      const dueIds = async (limit = 100) =>
        (await subs.dueBefore(soon, limit))
          .filter((r) => r.integrationId === a || r.integrationId === b)
          .map((r) => r.id);
      expect(await dueIds()).to.deep.equal([soonest.id, next.id]);
      await subs.setStatus(later.id, 'renew');
      expect(await dueIds()).to.include(later.id);
      expect((await subs.byIds([next.id, later.id, 'none'])).map((r) => r.id).sort()).to.deep.equal(
        [next.id, later.id].sort(),
      );
      const renewedAt = new Date(Date.now() + 72 * 3600_000);
      await subs.setExpiry(later.id, renewedAt);
      const row = await subs.findByGraphId('g-later');
      expect(row!.status).to.equal('active');
      expect(row!.expiresAt.getTime()).to.equal(renewedAt.getTime());
      await subs.remove(row!.id);
      expect(await subs.findByGraphId('g-later')).to.equal(null);
    });
  });
}
