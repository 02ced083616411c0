import { expect } from 'chai';
import { openDatabase } from '@ones-m365/shared/db';
import { MIGRATIONS } from '../../../shared/db/migrations/index.js';
import { createMysqlDatabase } from '../../support/db.js';

for (const kind of ['mysql', 'sqlite'] as const) {
  describe(`migrations on ${kind}`, () => {
    let url: string;
    let drop: () => Promise<void> = async () => undefined;

    before(async () => {
      if (kind === 'mysql') ({ url, drop } = await createMysqlDatabase());
      else url = 'sqlite::memory:';
    });
    after(() => drop());

    it('build a schema equal to the entities, apply once, and roll back', async () => {
      const ds = await openDatabase(url);
      try {
        const pending = await ds.driver.createSchemaBuilder().log();
        expect(
          pending.upQueries.map((q) => q.query),
          'entity change without a migration',
        ).to.deep.equal([]);
        expect(await ds.runMigrations()).to.deep.equal([]);
        const qr = ds.createQueryRunner();
        const names = [
          'integrations',
          'rooms',
          'users',
          'groups',
          'user_groups',
          'sync_states',
          'graph_subscriptions',
          'room_bookings',
          'booking_policies',
          'booking_declines',
          'sync_runs',
          'pending_jobs',
          'event_batches',
          'event_sequence',
          'event_deliveries',
        ];
        for (const t of names) expect(await qr.hasTable(t), t).to.equal(true);
        for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
        for (const t of names) expect(await qr.hasTable(t), t).to.equal(false);
        await qr.release();
      } finally {
        await ds.destroy();
      }
    });
  });
}

describe('migrations from several processes at once (MySQL)', () => {
  it('are applied once while the others wait, without errors', async () => {
    const { url, drop } = await createMysqlDatabase();
    try {
      const all = await Promise.all([openDatabase(url), openDatabase(url), openDatabase(url)]);
      const [ds] = all;
      const [count] = await ds.query<{ n: number }[]>('SELECT COUNT(*) AS n FROM migrations');
      expect(Number(count!.n)).to.equal(ds.migrations.length);
      await Promise.all(all.map((d) => d.destroy()));
    } finally {
      await drop();
    }
  });
});
