import { expect } from 'chai';
import { GroupRepository, isUniqueViolation } from '@ones-m365/shared/db';
import { rejectionOf } from '../../fakes/graph-test-helpers.js';
import { openTestDatabase, type TestDatabase } from '../../support/db.js';

for (const kind of ['mysql', 'sqlite'] as const) {
  describe(`unique-key violations are recognised on ${kind}`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await openTestDatabase(kind);
    });
    after(() => db.drop());

    it('a second row with a unique value already taken', async () => {
      const groups = new GroupRepository(db.ds);
      await groups.create('Sales');
      expect(isUniqueViolation(await rejectionOf(groups.create('Sales')))).to.equal(true);
    });

    it('a primary key already taken', async () => {
      const existing = await new GroupRepository(db.ds).create('Engineering');
      const q = kind === 'sqlite' ? '"' : '`';
      const err = await rejectionOf(
        db.ds.query(`INSERT INTO ${q}groups${q} (id, name, created_at) VALUES (?, ?, CURRENT_TIMESTAMP)`, [
          existing.id,
          'Other',
        ]),
      );
      expect(isUniqueViolation(err)).to.equal(true);
    });

    it('not any other database error', async () => {
      expect(isUniqueViolation(await rejectionOf(db.ds.query('SELECT * FROM no_such_table')))).to.equal(false);
      const q = kind === 'sqlite' ? '"' : '`';
      expect(
        isUniqueViolation(await rejectionOf(db.ds.query(`INSERT INTO ${q}groups${q} (id) VALUES (NULL)`))),
      ).to.equal(false);
    });
  });
}
