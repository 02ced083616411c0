import { expect } from 'chai';
import fc from 'fast-check';
import {
  desiredSubscriptions,
  USERS_SUBSCRIPTION,
  wantsSubscriptions,
  type SubscribedIntegration,
} from '@ones-m365/shared/subscriptions';
import {
  isRenewalDue,
  RENEWAL_SLICE,
  slices,
} from '../../../services/worker/src/subscriptions/subscription-renewal.js';

describe('subscriptions as data', () => {
  const live: SubscribedIntegration = { status: 'enabled', syncMode: 'webhooks', deletedAt: null };

  it('an enabled webhook-mode integration wants /users and one events subscription per room; any other wants none', () => {
    const rooms = [
      { id: 'r1', email: 'Room.One@contoso.com' },
      { id: 'r2', email: 'room+2@contoso.com' },
    ];
    expect(desiredSubscriptions(live, [])).to.deep.equal([USERS_SUBSCRIPTION]);
    expect(desiredSubscriptions(live, rooms)).to.deep.equal([
      USERS_SUBSCRIPTION,
      {
        resource: '/users/Room.One@contoso.com/events',
        changeType: 'created,updated,deleted',
        stream: 'calendar:r1',
        lifetimeMinutes: 4_200,
      },
      {
        resource: '/users/room+2@contoso.com/events',
        changeType: 'created,updated,deleted',
        stream: 'calendar:r2',
        lifetimeMinutes: 4_200,
      },
    ]);
    for (const other of [
      { ...live, status: 'disabled' as const },
      { ...live, syncMode: 'polling' as const },
      { ...live, deletedAt: new Date() },
    ]) {
      expect(wantsSubscriptions(other)).to.equal(false);
      expect(desiredSubscriptions(other, rooms)).to.deep.equal([]);
    }
  });

  it('a subscription is due when less than the margin is left, or when a lifecycle event flagged it', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const margin = 12 * 3600_000;
    const at = (ms: number) => new Date(now.getTime() + ms);
    expect(isRenewalDue({ status: 'active', expiresAt: at(margin + 1) }, now, margin)).to.equal(false);
    expect(isRenewalDue({ status: 'active', expiresAt: at(margin) }, now, margin)).to.equal(true);
    expect(isRenewalDue({ status: 'active', expiresAt: at(-1) }, now, margin)).to.equal(true);
    expect(isRenewalDue({ status: 'renew', expiresAt: at(30 * 24 * 3600_000) }, now, margin)).to.equal(true);
  });

  it('slices keep every item once, in order, each at most one $batch long', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 200 }), (items) => {
        const out = slices(items);
        expect(out.flat()).to.deep.equal(items);
        expect(out.every((s) => s.length > 0 && s.length <= RENEWAL_SLICE)).to.equal(true);
        expect(out.length).to.equal(Math.ceil(items.length / RENEWAL_SLICE));
      }),
    );
  });
});
