import { expect } from 'chai';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { constantTimeEqual, sameLengthConstantTimeEqual, SecretBox } from '@ones-m365/shared/crypto';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips any string and never stores the plaintext', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const sealed = box.seal(s, 'integration-1');
        expect(box.open(sealed, 'integration-1')).to.equal(s);
        if (s.length > 3) expect(sealed).to.not.include(s);
      }),
    );
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'x')).to.not.equal(box.seal('same', 'x'));
  });

  it('refuses a ciphertext moved to another integration (associated data)', () => {
    const sealed = box.seal('secret', 'integration-1');
    expect(() => box.open(sealed, 'integration-2')).to.throw();
  });

  it('refuses a tampered ciphertext and a wrong key', () => {
    const sealed = box.seal('secret', 'a');
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    expect(() => box.open([parts[0], parts[1], parts[2], ct.toString('base64url')].join('.'), 'a')).to.throw();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'a')).to.throw();
    expect(() => box.open('garbage', 'a')).to.throw(/Unrecognised/);
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).to.throw(/32-byte/);
  });
});

describe('constantTimeEqual', () => {
  it('agrees with === for any pair of strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => constantTimeEqual(a, b) === (a === b)));
    expect(constantTimeEqual('abc', 'abc')).to.equal(true);
    expect(constantTimeEqual('abc', 'abcd')).to.equal(false);
  });
});

describe('sameLengthConstantTimeEqual', () => {
  it('agrees with === for any pair of strings, including same-length ones', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => sameLengthConstantTimeEqual(a, b) === (a === b)));
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (a) => {
        const flipped = String.fromCharCode(a.charCodeAt(0) ^ 1) + a.slice(1);
        return sameLengthConstantTimeEqual(a, a) && !sameLengthConstantTimeEqual(a, flipped);
      }),
    );
  });
});
