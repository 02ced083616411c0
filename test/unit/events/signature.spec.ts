import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { signatureHeader, verifySignature } from '@ones-m365/shared/events';

const SECRET = 'whsec-0123456789abcdef0123456789abcdef';
const BODY =
  '{"events":[{"id":"e1","type":"user.created","integrationId":"i1","occurredAt":"2026-12-02T12:00:00.000Z","data":{}}]}';
const T = 1_796_212_800;

describe('events: the webhook signature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">, as the contract says', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signatureHeader(SECRET, BODY, T)).to.equal(`t=${T},v1=${expected}`);
  });

  it('verifies against the raw body within the tolerance', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(header, BODY, SECRET, { now: T + 299 })).to.deep.equal({ ok: true, timestamp: T });
    expect(verifySignature(header, BODY, SECRET, { now: T - 299 })).to.deep.equal({ ok: true, timestamp: T });
  });

  it('refuses a changed body, another secret, or a changed timestamp', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(header, BODY.replace('e1', 'e2'), SECRET, { now: T })).to.deep.equal({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifySignature(header, BODY, `${SECRET}x`, { now: T }).ok).to.equal(false);
    const moved = header.replace(`t=${T}`, `t=${T + 1}`);
    expect(verifySignature(moved, BODY, SECRET, { now: T })).to.deep.equal({ ok: false, reason: 'mismatch' });
  });

  it('refuses a replay older than the tolerance (a captured delivery sent again later)', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(header, BODY, SECRET, { now: T + 301 })).to.deep.equal({ ok: false, reason: 'stale' });
    expect(verifySignature(header, BODY, SECRET, { now: T + 3600, toleranceSeconds: 7200 }).ok).to.equal(true);
  });

  it('refuses malformed headers without throwing', () => {
    for (const h of [
      undefined,
      '',
      't=,v1=',
      `v1=${'a'.repeat(64)}`,
      `t=${T}`,
      `t=${T},v1=xyz`,
      `t=abc,v1=${'a'.repeat(64)}`,
    ])
      expect(verifySignature(h, BODY, SECRET, { now: T }), String(h)).to.deep.equal({ ok: false, reason: 'malformed' });
  });

  it('accepts any matching v1 of the header (a secret rotated by signing with both)', () => {
    const other = signatureHeader('another-secret-0123456789abcdef012345', BODY, T).split(',')[1]!;
    const header = `${signatureHeader(SECRET, BODY, T)},${other}`;
    expect(verifySignature(header, BODY, SECRET, { now: T }).ok).to.equal(true);
    expect(verifySignature(`t=${T},${other}`, BODY, SECRET, { now: T }).ok).to.equal(false);
  });
});
