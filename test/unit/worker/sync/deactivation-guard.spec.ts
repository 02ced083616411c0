import { expect } from 'chai';
import fc from 'fast-check';
import type { SyncRunEntity, SyncStatePatch } from '@ones-m365/shared/db';
import {
  exceedsGuard,
  GUARD_MIN_USERS,
  passGuard,
  type GuardStore,
} from '../../../../services/worker/src/sync/users/deactivation-guard.js';
import type { UsersCheckpoint } from '../../../../services/worker/src/sync/users/users-checkpoint.js';

const cp = (over: Partial<UsersCheckpoint> = {}): UsersCheckpoint => ({
  mode: 'full',
  phase: 'list',
  activeAtStart: 100,
  deactivated: 0,
  ...over,
});

describe('mass-deactivation guard', () => {
  it('trips only past the threshold of the users active at the start, and never below GUARD_MIN_USERS', () => {
    expect(exceedsGuard(cp(), 20, 0.2)).to.equal(false); // 20 of 100 is not more than 20 %
    expect(exceedsGuard(cp(), 21, 0.2)).to.equal(true);
    expect(exceedsGuard(cp({ activeAtStart: 10 }), GUARD_MIN_USERS - 1, 0.2)).to.equal(false);
    expect(exceedsGuard(cp({ activeAtStart: 10 }), GUARD_MIN_USERS, 0.2)).to.equal(true);
  });

  it('counts the whole round (earlier runs included), trips only on a page that deactivates, and not once confirmed', () => {
    expect(exceedsGuard(cp({ deactivated: 20 }), 1, 0.2)).to.equal(true);
    expect(exceedsGuard(cp({ deactivated: 50 }), 0, 0.2)).to.equal(false);
    expect(exceedsGuard(cp({ deactivated: 50, confirmed: true }), 5, 0.2)).to.equal(false);
  });

  it('is monotonic: deactivating more never un-trips it', () => {
    fc.assert(
      fc.property(
        fc.nat(1_000),
        fc.nat(1_000),
        fc.integer({ min: 1, max: 1_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (done, more, active, threshold) => {
          if (exceedsGuard(cp({ activeAtStart: active, deactivated: done }), more, threshold)) {
            expect(exceedsGuard(cp({ activeAtStart: active, deactivated: done }), more + 1, threshold)).to.equal(true);
          }
        },
      ),
    );
  });

  describe('passGuard', () => {
    const run = (): Pick<SyncRunEntity, 'id' | 'status' | 'warnings'> => ({
      id: 'run-2',
      status: 'running',
      warnings: [],
    });
    const store = (statuses: Record<string, string>) => {
      const saved: SyncStatePatch[] = [];
      const s: GuardStore = {
        syncRuns: { get: async (id) => (statuses[id] ? ({ id, status: statuses[id] } as SyncRunEntity) : null) },
        syncStates: { save: async (_i, _s, patch) => void saved.push(patch) },
      };
      return { s, saved };
    };

    it('a stop records the run as needing confirmation, with the checkpoint and how to confirm', async () => {
      const { s, saved } = store({});
      const r = run();
      const c = cp();
      expect(await passGuard(s, { integrationId: 'i1', run: r, threshold: 0.2 }, c, 30)).to.equal(false);
      expect(r.status).to.equal('needs_confirmation');
      expect(r.warnings![0]).to.include('/api/v1/integrations/i1/sync-runs/run-2/confirm');
      expect(c.pendingConfirmation).to.deep.equal(['run-2']);
      expect(saved).to.deep.equal([{ checkpoint: JSON.stringify(c), status: 'needs_confirmation' }]);
    });

    it('a confirmed earlier stop of the round lets it go on, and stays confirmed', async () => {
      const { s, saved } = store({ 'run-1': 'confirmed' });
      const c = cp({ pendingConfirmation: ['run-1'] });
      expect(await passGuard(s, { integrationId: 'i1', run: run(), threshold: 0.2 }, c, 30)).to.equal(true);
      expect(c.confirmed).to.equal(true);
      expect(saved).to.deep.equal([]);
    });
  });
});
