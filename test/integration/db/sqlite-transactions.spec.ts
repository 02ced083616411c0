import { expect } from 'chai';
import { IntegrationRepository, PendingJobRepository, writeIntegration } from '@ones-m365/shared/db';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';

/** The embedded database is one connection: concurrent transactions take turns instead of failing. */
describe('SQLite: concurrent transactions', () => {
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase('sqlite');
  });
  after(() => db.drop());

  it('twenty writes to one integration at once, one of them a DELETE, all commit or find it gone', async () => {
    const { id } = await new IntegrationRepository(db.ds).create({
      name: 'x',
      cloud: 'global',
      tenantId: 't',
      clientId: 'c',
      clientSecretSealed: 's',
      clientSecretHint: 'abc',
      endpoints: null,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        writeIntegration(db.ds, id, async (tx) => {
          await new Promise((r) => setTimeout(r, 2));
          await tx.pendingJobs.add(id, 'reconcile', {});
          if (i === 10) return await tx.integrations.softDelete(id);
          return Boolean(await tx.integrations.update(id, { name: `n${i}` }));
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).to.deep.equal([]);
    const values = results.map((r) => (r as PromiseFulfilledResult<boolean | null>).value);
    // In turn: the ten before the DELETE commit, the nine after it find the integration gone.
    expect(values).to.deep.equal([...Array(11).fill(true), ...Array(9).fill(null)]);
    expect(await new PendingJobRepository(db.ds).forIntegration(id)).to.have.length(11);
  });
});
