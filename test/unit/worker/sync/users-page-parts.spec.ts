import { expect } from 'chai';
import {
  carriedClaims,
  MAX_REFUSED_CARDS,
  refusedClaims,
} from '../../../../services/worker/src/sync/users/page-cards.js';
import { pageChanges } from '../../../../services/worker/src/sync/users/page-changes.js';
import { latestOfPage } from '../../../../services/worker/src/sync/users/page-rows.js';
import { advance, parseCheckpoint } from '../../../../services/worker/src/sync/users/users-checkpoint.js';
import { addWarnings } from '../../../../services/worker/src/sync/runner/run-warnings.js';
import { graphUser, row, stored } from './fixtures.js';

describe('users page, step by step', () => {
  describe('latestOfPage', () => {
    it("keeps each user's last entry, and a removal in the same page wins", () => {
      const page = latestOfPage({
        users: [graphUser('a', { displayName: 'old' }), graphUser('b'), graphUser('a', { displayName: 'new' })],
        removed: [{ id: 'b', reason: 'deleted' }],
      });
      expect([...page.latest.keys()]).to.deep.equal(['a']);
      expect(page.latest.get('a')!.displayName).to.equal('new');
      expect([...page.removedIds]).to.deep.equal(['b']);
    });
  });

  describe('pageChanges', () => {
    let n = 0;
    const newId = () => `new-${++n}`;
    beforeEach(() => {
      n = 0;
    });

    it('classifies rows against the stored ones and writes only new and changed rows in a delta round', () => {
      const rows = [
        row('new'),
        row('same'),
        row('renamed', { displayName: 'Renamed' }),
        row('disabled', { active: false, inactiveReason: 'disabled', accountEnabled: false }),
      ];
      const db = new Map([
        ['same', stored('same')],
        ['renamed', stored('renamed')],
        ['disabled', stored('disabled')],
      ]);
      const c = pageChanges(rows, [], db, { cards: false, marker: null, newId });
      expect(c.counts).to.deep.equal({ created: 1, updated: 1, unchanged: 1, deactivated: 1 });
      expect(c.writes.map((w) => w.graphId)).to.deep.equal(['new', 'renamed', 'disabled']);
      expect(c.createdIds).to.deep.equal(['new-1']);
      expect(c.events.map((e) => [e.type, e.user.graphId, e.user.id])).to.deep.equal([
        ['user.created', 'new', 'new-1'],
        ['user.updated', 'renamed', stored('renamed').id],
        ['user.deactivated', 'disabled', stored('disabled').id],
      ]);
    });

    it('one event per changed user: a reactivation is named, an unchanged user written for its marker has none', () => {
      const db = new Map([
        ['back', stored('back', { active: false, inactiveReason: 'disabled', accountEnabled: false })],
        ['same', stored('same', { cardNumber: 'C9' })],
      ]);
      const c = pageChanges([row('back'), row('same', { displayName: 'Renamed' })], [], db, {
        cards: false,
        marker: 'm1',
        newId,
      });
      expect(c.writes).to.have.length(2);
      expect(c.events.map((e) => e.type)).to.deep.equal(['user.reactivated', 'user.updated']);
      expect(c.events[1]!.user.cardNumber, 'unsynced cards keep the stored one').to.equal('C9');
      expect(c.events[1]!.user.displayName).to.equal('Renamed');
    });

    it('a full round writes every row (to stamp its marker); unchanged ones are still counted unchanged', () => {
      const c = pageChanges([row('same')], [], new Map([['same', stored('same')]]), {
        cards: false,
        marker: 'm1',
        newId,
      });
      expect(c.counts.unchanged).to.equal(1);
      expect(c.writes.map((w) => w.graphId)).to.deep.equal(['same']);
      expect(c.createdIds).to.deep.equal([]);
    });

    it('card numbers count as a change only when cards are synced', () => {
      const db = new Map([['a', stored('a', { cardNumber: 'C1' })]]);
      expect(
        pageChanges([row('a', { cardNumber: 'C2' })], [], db, { cards: false, marker: null }).counts.unchanged,
      ).to.equal(1);
      expect(
        pageChanges([row('a', { cardNumber: 'C2' })], [], db, { cards: true, marker: null }).counts.updated,
      ).to.equal(1);
    });

    it('removals deactivate active users by reason, re-reason inactive ones, and skip unknown or unchanged ones', () => {
      const db = new Map([
        ['active', stored('active')],
        ['soft', stored('soft', { active: false, inactiveReason: 'soft_deleted' })],
        ['gone', stored('gone', { active: false, inactiveReason: 'deleted' })],
      ]);
      const removed = [
        { id: 'active', reason: 'changed' as const },
        { id: 'soft', reason: 'deleted' as const },
        { id: 'gone', reason: 'deleted' as const },
        { id: 'unknown', reason: 'deleted' as const },
      ];
      const c = pageChanges([], removed, db, { cards: false, marker: null });
      expect(c.counts).to.deep.equal({ created: 0, updated: 1, unchanged: 0, deactivated: 1 });
      expect([...c.removals]).to.deep.equal([
        ['soft_deleted', ['active']],
        ['deleted', ['soft']],
      ]);
      expect(c.events.map((e) => [e.type, e.user.graphId, e.user.active, e.user.inactiveReason])).to.deep.equal([
        ['user.deactivated', 'active', false, 'soft_deleted'],
        ['user.updated', 'soft', false, 'deleted'],
      ]);
    });
  });

  describe('refused card claims', () => {
    const page = latestOfPage({ users: [graphUser('a'), graphUser('b')], removed: [{ id: 'r', reason: 'deleted' }] });

    it('a claim is refused when the resolved row lost the card it asked for', () => {
      const before = [
        row('a', { cardNumber: 'C1' }),
        row('b', { cardNumber: 'C2' }),
        row('c', { cardNumber: 'C3', active: false }),
      ];
      const after = [row('a'), row('b', { cardNumber: 'C2' }), row('c')];
      expect(refusedClaims(before, after)).to.deep.equal([{ graphId: 'a', card: 'C1' }]);
    });

    it('earlier claims of users this page speaks for are dropped; new ones are added, the latest kept', () => {
      const earlier = [
        { graphId: 'a', card: 'X' },
        { graphId: 'r', card: 'Y' },
        { graphId: 'z', card: 'Z' },
      ];
      expect(carriedClaims(earlier, page, [])).to.deep.equal([{ graphId: 'z', card: 'Z' }]);
      expect(carriedClaims(undefined, page, [])).to.equal(undefined);
      const many = Array.from({ length: MAX_REFUSED_CARDS + 5 }, (_, i) => ({ graphId: `u${i}`, card: `C${i}` }));
      const kept = carriedClaims(earlier, page, many)!;
      expect(kept).to.have.length(MAX_REFUSED_CARDS);
      expect(kept[kept.length - 1]).to.deep.equal(many[many.length - 1]);
    });
  });

  describe('checkpoint', () => {
    it('parses what it wrote and refuses anything else', () => {
      const cp = { mode: 'full' as const, phase: 'list' as const, link: 'l', activeAtStart: 3, deactivated: 1 };
      expect(parseCheckpoint(JSON.stringify(cp))).to.deep.equal(cp);
      for (const raw of [null, '', 'not json', '{"mode":"other","phase":"list"}', '{"mode":"full"}'])
        expect(parseCheckpoint(raw)).to.equal(null);
    });

    it("advancing moves to the new position, drops the old links, and adds the page's deactivations", () => {
      const cp = {
        mode: 'full' as const,
        phase: 'catchup' as const,
        link: 'old',
        deltaLink: 'old-delta',
        marker: 'm',
        activeAtStart: 3,
        deactivated: 1,
      };
      expect(advance(cp, { phase: 'sweep', deltaLink: 'd' }, 2)).to.deep.equal({
        mode: 'full',
        phase: 'sweep',
        deltaLink: 'd',
        marker: 'm',
        activeAtStart: 3,
        deactivated: 3,
      });
    });
  });

  it('a run keeps at most 200 warnings, the last one saying how many more there were', () => {
    const run = { warnings: [] as string[] | null };
    addWarnings(
      run,
      Array.from({ length: 150 }, (_, i) => `w${i}`),
    );
    addWarnings(
      run,
      Array.from({ length: 100 }, (_, i) => `x${i}`),
    );
    expect(run.warnings).to.have.length(200);
    expect(run.warnings![199]).to.equal('… and 51 more');
  });
});
