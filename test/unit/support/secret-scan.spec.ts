import { expect } from 'chai';
import { findLeaks } from '../../support/secret-scan.js';

describe('secret scan (the checker the end-to-end scan relies on)', () => {
  const secrets = { clientSecret: 'Q~s3cr3t.value+/=', clientState: 'state-7f3a' };

  it('finds a secret raw and in every encoding a careless line would use', () => {
    const s = secrets.clientSecret;
    const planted = [
      { where: 'raw', text: `posting ${s} to the login host` },
      { where: 'base64', text: `x-debug: ${Buffer.from(s).toString('base64')}` },
      { where: 'base64url', text: Buffer.from(s).toString('base64url') },
      { where: 'percent', text: `client_secret=${encodeURIComponent(s)}&grant_type=client_credentials` },
      { where: 'json', text: JSON.stringify({ body: JSON.stringify({ secret: s }) }) },
    ];
    const leaks = findLeaks(planted, secrets);
    expect([...new Set(leaks.map((l) => l.where))]).to.have.members(['raw', 'base64', 'base64url', 'percent', 'json']);
    expect(leaks.every((l) => l.secret === 'clientSecret')).to.equal(true);
  });

  it('finds any JWT, whoever issued it', () => {
    const jwt = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"aud":"graph","roles":[]}').toString('base64url')}.c2lnbmF0dXJl`;
    expect(findLeaks([{ where: 'log', text: `token ${jwt}` }], {})).to.deep.equal([
      { secret: 'a JWT', form: 'raw', where: 'log' },
    ]);
  });

  it('finds nothing in text without them', () => {
    expect(
      findLeaks([{ where: 'log', text: 'clientSecret: [REDACTED], clientState hash 9f86d081884c7d65' }], secrets),
    ).to.deep.equal([]);
  });
});
