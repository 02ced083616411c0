import { expect } from 'chai';
import fc from 'fast-check';
import { resolveCardConflicts } from '../../../../services/worker/src/sync/users/card-conflicts.js';
import { row } from './fixtures.js';

describe('resolveCardConflicts', () => {
  it('refuses a card an active user outside the page holds, saying who holds it', () => {
    const r = resolveCardConflicts([row('a', { cardNumber: 'C1' })], new Map(), [{ graphId: 'z', cardNumber: 'C1' }]);
    expect(r.rows[0]!.cardNumber).to.equal(null);
    expect(r.warnings).to.deep.equal([
      'card number C1 of a@contoso.com (a) is already held by active user z; not assigned',
    ]);
  });

  it('a card shared inside the page stays with the user who holds it already; the others are refused', () => {
    const rows = [row('a', { cardNumber: 'C1' }), row('b', { cardNumber: 'C1' })];
    const r = resolveCardConflicts(rows, new Map([['b', 'C1']]), []);
    expect(r.rows.map((x) => x.cardNumber)).to.deep.equal([null, 'C1']);
    expect(r.warnings).to.have.length(1);
  });

  it('a card shared inside the page that nobody holds yet is given to nobody', () => {
    const r = resolveCardConflicts([row('a', { cardNumber: 'C1' }), row('b', { cardNumber: 'C1' })], new Map(), []);
    expect(r.rows.map((x) => x.cardNumber)).to.deep.equal([null, null]);
    expect(r.warnings).to.have.length(2);
  });

  it('inactive users and users without a card take part in no conflict', () => {
    const rows = [row('a', { cardNumber: 'C1', active: false }), row('b', { cardNumber: 'C1' }), row('c')];
    const r = resolveCardConflicts(rows, new Map(), []);
    expect(r.rows).to.deep.equal(rows);
    expect(r.warnings).to.deep.equal([]);
  });

  it('whatever the page: no two active users end with one card, no card held outside is given, and only cards are changed', () => {
    const card = fc.constantFrom('C1', 'C2', 'C3', null);
    const user = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      card,
      active: fc.boolean(),
      held: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(user, { selector: (u) => u.id }),
        fc.subarray(['C1', 'C2', 'C3']),
        (users, outside) => {
          const rows = users.map((u) => row(u.id, { cardNumber: u.card, active: u.active }));
          const storedCards = new Map(users.filter((u) => u.held).map((u) => [u.id, u.card]));
          const holders = outside.map((c) => ({ graphId: 'z', cardNumber: c }));
          const r = resolveCardConflicts(rows, storedCards, holders);
          const given = r.rows.filter((x) => x.active && x.cardNumber).map((x) => x.cardNumber!);
          expect(new Set(given).size).to.equal(given.length);
          for (const c of given) expect(outside).to.not.include(c);
          expect(r.rows.map((x) => ({ ...x, cardNumber: null }))).to.deep.equal(
            rows.map((x) => ({ ...x, cardNumber: null })),
          );
          for (const [i, x] of r.rows.entries())
            if (x.cardNumber !== null) expect(x.cardNumber).to.equal(rows[i]!.cardNumber);
        },
      ),
    );
  });
});
