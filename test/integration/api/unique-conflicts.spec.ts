import { expect } from 'chai';
import { startApiHarness, type ApiHarness } from '../../support/api-harness.js';

describe('unique-key conflicts answer 409 (real MariaDB)', () => {
  let h: ApiHarness;
  before(async () => {
    h = await startApiHarness();
  });
  after(() => h.close());

  it('30 parallel POST /groups with one name: exactly one 201, the rest 409 with the error shape, none 500', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `Parallel ${round}`;
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => h.call('/api/v1/groups', { method: 'POST', json: { name } })),
      );
      const statuses = answers.map((a) => a.status);
      expect(
        statuses.filter((s) => s === 201),
        `round ${round}: ${statuses.join(',')}`,
      ).to.have.length(1);
      expect(
        statuses.filter((s) => s === 409),
        `round ${round}: ${statuses.join(',')}`,
      ).to.have.length(29);
      for (const a of answers.filter((x) => x.status === 409)) {
        expect(a.body.error.code).to.equal('conflict');
        expect(a.body.error.message).to.be.a('string');
      }
      const list = (await h.call('/api/v1/groups')).body.items as { name: string }[];
      expect(list.filter((g) => g.name === name)).to.have.length(1);
    }
  });
});
