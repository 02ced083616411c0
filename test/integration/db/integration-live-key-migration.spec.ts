import { expect } from 'chai';
import { IntegrationEntity, IntegrationRepository, isUniqueViolation } from '@ones-m365/shared/db';
import { IntegrationLiveKey1766100000000 } from '../../../shared/db/migrations/1766100000000-integration-live-key.js';
import { rejectionOf } from '../../fakes/graph-test-helpers.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';

const row = (id: string, over: Partial<IntegrationEntity> = {}) => ({
  id,
  name: id,
  cloud: 'global' as const,
  tenantId: 'Contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
  clientSecretSealed: 'v1.sealed',
  clientSecretHint: 'xyz',
  endpoints: null,
  ...over,
});

for (const kind of ['mysql', 'sqlite'] as const) {
  describe(`the live-key migration on ${kind}, over integrations that existed before it`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await openTestDatabase(kind);
    });
    after(() => db.drop());

    it('keys the oldest live row of each tenant and app, leaves later duplicates and deleted rows unkeyed, then enforces the key', async () => {
      const migration = new IntegrationLiveKey1766100000000();
      const qr = db.ds.createQueryRunner();
      try {
        await migration.down(qr);
        // The rows are written with the columns that existed before the migration.
        const columns = [
          'id',
          'name',
          'cloud',
          'tenant_id',
          'client_id',
          'client_secret_sealed',
          'client_secret_hint',
          'created_at',
          'deleted_at',
        ];
        const q = kind === 'sqlite' ? '"' : '`';
        const sql = `INSERT INTO ${q}integrations${q} (${columns.map((c) => q + c + q).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
        const old = [
          ['deleted', 'global', 'contoso.onmicrosoft.com', '2025-01-01 00:00:00', '2025-02-01 00:00:00'],
          ['oldest', 'global', 'Contoso.onmicrosoft.com', '2025-03-01 00:00:00', null],
          ['duplicate', 'global', 'CONTOSO.onmicrosoft.com', '2025-04-01 00:00:00', null],
          ['china', 'china', 'contoso.onmicrosoft.com', '2025-05-01 00:00:00', null],
        ] as const;
        for (const [id, cloud, tenant, createdAt, deletedAt] of old) {
          await qr.query(sql, [
            id,
            id,
            cloud,
            tenant,
            '11111111-2222-4333-8444-555555555555',
            'v1.sealed',
            'xyz',
            createdAt,
            deletedAt,
          ]);
        }
        await migration.up(qr);
        const keys = Object.fromEntries(
          (await db.ds.getRepository(IntegrationEntity).find()).map((r) => [r.id, r.liveKey]),
        );
        expect(keys).to.deep.equal({
          deleted: null,
          oldest: 'global|contoso.onmicrosoft.com|11111111-2222-4333-8444-555555555555',
          duplicate: null,
          china: 'china|contoso.onmicrosoft.com|11111111-2222-4333-8444-555555555555',
        });
        const repo = new IntegrationRepository(db.ds);
        expect(
          (await repo.findLive({
            cloud: 'global',
            tenantId: 'contoso.onmicrosoft.com',
            clientId: '11111111-2222-4333-8444-555555555555',
          }))!.id,
        ).to.equal('oldest');
        expect(isUniqueViolation(await rejectionOf(repo.create(row('new')))), 'a new duplicate is refused').to.equal(
          true,
        );
      } finally {
        await qr.release();
      }
    });
  });
}
