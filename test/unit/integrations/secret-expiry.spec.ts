import { expect } from 'chai';
import { SECRET_REJECTED_REASON, secretExpiry, shownStatusReason } from '../../../shared/integrations/index.js';

const NOW = new Date('2026-12-02T00:00:00Z');
const inDays = (d: number) => new Date(NOW.getTime() + d * 86_400_000);

describe('integrations/secret-expiry', () => {
  it('levels: ok beyond 30 days, warning within 30, urgent within 7, expired once past', () => {
    expect(secretExpiry(null, NOW)).to.deep.equal({ level: 'unknown', daysLeft: null });
    expect(secretExpiry(inDays(30.5), NOW).level).to.equal('ok');
    expect(secretExpiry(inDays(30), NOW).level).to.equal('warning');
    expect(secretExpiry(inDays(7), NOW).level).to.equal('urgent');
    expect(secretExpiry(inDays(0.01), NOW)).to.deep.equal({ level: 'urgent', daysLeft: 0 });
    expect(secretExpiry(NOW, NOW).level).to.equal('expired');
  });

  it('the shown status reason: the expiry warning first, then the stored reason', () => {
    expect(shownStatusReason(null, inDays(90), NOW)).to.equal(null);
    expect(shownStatusReason('Change notifications unavailable: x.', null, NOW)).to.equal(
      'Change notifications unavailable: x.',
    );
    const both = shownStatusReason('Change notifications unavailable: x.', inDays(3), NOW)!;
    expect(both).to.match(
      /^Client secret: expires on 2026-12-05 \(in 3 days\)\..*Change notifications unavailable: x\.$/,
    );
    expect(shownStatusReason(null, inDays(-1), NOW)).to.include('expired on 2026-12-01');
  });

  it("Microsoft's rejection is not repeated by the expiry warning", () => {
    expect(shownStatusReason(SECRET_REJECTED_REASON, inDays(-1), NOW)).to.equal(SECRET_REJECTED_REASON);
  });
});
