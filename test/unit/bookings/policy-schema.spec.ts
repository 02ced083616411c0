import { expect } from 'chai';
import { bookingPolicySchema, policyForRoom, type BookingPolicy } from '@ones-m365/shared/bookings';

const fields = (body: unknown) => {
  const r = bookingPolicySchema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('booking policy schema', () => {
  it('names each bad field: unknown zone, 25:00, negative and fractional durations, min above max, unknown keys', () => {
    expect(
      fields({
        enabled: true,
        mode: 'strict',
        rules: {
          maxDurationMinutes: -5,
          minNoticeMinutes: 1.5,
          workingHours: { timeZone: 'Mars/Olympus', days: ['monday', 'funday'], start: '25:00', end: '19:00' },
          allowedGroupIds: [],
          colour: 'red',
        },
        roomOverrides: { 'not-an-email': {} },
      }).sort(),
    ).to.deep.equal(
      [
        'mode',
        'rules',
        'rules.allowedGroupIds',
        'rules.maxDurationMinutes',
        'rules.minNoticeMinutes',
        'rules.workingHours.days.1',
        'rules.workingHours.start',
        'rules.workingHours.timeZone',
        'roomOverrides.not-an-email',
      ].sort(),
    );
    expect(fields({ enabled: true, rules: { minDurationMinutes: 90, maxDurationMinutes: 60 } })).to.deep.equal([
      'rules.minDurationMinutes',
    ]);
    expect(
      fields({
        enabled: true,
        rules: { workingHours: { timeZone: 'UTC', days: ['monday'], start: '10:00', end: '09:00' } },
      }),
    ).to.deep.equal(['rules.workingHours.end']);
    expect(fields({ rules: {} })).to.deep.equal(['enabled']);
  });

  it('defaults: enforce mode, no rules, no overrides', () => {
    expect(bookingPolicySchema.parse({ enabled: true })).to.deep.equal({
      enabled: true,
      mode: 'enforce',
      rules: {},
      roomOverrides: {},
    });
  });

  it("a room's override replaces rules, stops one with null, and can switch the policy off there", () => {
    const p: BookingPolicy = bookingPolicySchema.parse({
      enabled: true,
      rules: { maxDurationMinutes: 60, enforceCapacity: true },
      declineMessage: 'Please see the room rules.',
      roomOverrides: {
        'Board@Contoso.com': { rules: { maxDurationMinutes: 240, enforceCapacity: null } },
        'lab@contoso.com': { enabled: false },
      },
    });
    expect(policyForRoom(p, 'board@contoso.com')).to.deep.equal({
      enabled: true,
      mode: 'enforce',
      rules: { maxDurationMinutes: 240 },
      declineMessage: 'Please see the room rules.',
    });
    expect(policyForRoom(p, 'LAB@contoso.com').enabled).to.equal(false);
    expect(policyForRoom(p, 'other@contoso.com').rules).to.deep.equal({
      maxDurationMinutes: 60,
      enforceCapacity: true,
    });
  });
});
