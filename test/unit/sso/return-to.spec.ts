import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalOrigin } from '@ones-m365/shared/integrations';
import { allowedReturnTo, withTicket } from '@ones-m365/shared/sso';

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
const host = fc.tuple(label, label, fc.constantFrom('com', 'cn', 'test', 'example')).map((p) => p.join('.'));
const allowedOrigin = fc.oneof(
  host.map((h) => `https://${h}`),
  fc.integer({ min: 1, max: 65535 }).map((p) => `http://localhost:${p}`),
);
const suffix = fc
  .tuple(
    fc.webPath(),
    fc.option(fc.webQueryParameters(), { nil: undefined }),
    fc.option(fc.webFragments(), { nil: undefined }),
  )
  .map(
    ([path, query, fragment]) =>
      `${path}${query !== undefined ? `?${query}` : ''}${fragment !== undefined ? `#${fragment}` : ''}`,
  );

describe('sso: returnTo allow-list', () => {
  it('accepts any path, query and fragment on an allowed origin, and keeps the browser on it', () => {
    fc.assert(
      fc.property(allowedOrigin, suffix, (origin, rest) => {
        const url = allowedReturnTo(`${origin}${rest.startsWith('/') || rest === '' ? rest : `/${rest}`}`, [origin]);
        expect(url?.origin).to.equal(origin);
      }),
    );
  });

  it('refuses look-alikes of an allowed host built around any other host', () => {
    const tricks = (allowed: string, evil: string): string[] => [
      `https://${allowed}.${evil}/`,
      `https://${allowed}-${evil}/`,
      `https://${evil}/${allowed}`,
      `https://${evil}?${allowed}`,
      `//${evil}/`,
      `///${evil}/`,
      `https:/${evil}/`,
      `https:${evil}`,
      `https:\\\\${evil}`,
      `https://${allowed}@${evil}/`,
      `https://${allowed}:x@${evil}/`,
      `https://u@${allowed}/`,
      `https://${evil}\\@${allowed}/`,
      `https://${allowed}\\${evil}`,
      `https://${allowed}%2F@${evil}/`,
      `https://${allowed}%2e${evil}/`,
      `https%3A%2F%2F${allowed}%2F`,
      `http://${allowed}/`,
      `https://${allowed}:444/`,
      ` https://${allowed}/`,
      `https://${allowed}/\t`,
      `javascript://${allowed}/%0aalert(1)`,
      `/${allowed}`,
      `${allowed}/`,
    ];
    fc.assert(
      fc.property(host, host, (allowed, evil) => {
        fc.pre(allowed !== evil);
        for (const t of tricks(allowed, evil)) expect(allowedReturnTo(t, [`https://${allowed}`]), t).to.equal(null);
      }),
    );
  });

  it('whatever the string, what it accepts parses to an allowed origin and starts with it', () => {
    const origins = ['https://ones.example.com', 'http://127.0.0.1:3001'];
    const candidate = fc.oneof(
      fc.string(),
      fc.webUrl(),
      fc.tuple(fc.constantFrom(...origins), fc.string()).map(([o, s]) => o + s),
    );
    fc.assert(
      fc.property(candidate, (raw) => {
        const url = allowedReturnTo(raw, origins);
        if (url) {
          expect(origins).to.include(url.origin);
          expect(url.href.startsWith(`${url.origin}/`)).to.equal(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('adds the ticket to the query, replacing one that was already there', () => {
    const url = new URL('https://ones.example.com/login?ticket=planted&next=%2Fa#top');
    const out = new URL(withTicket(url, 'T1'));
    expect(out.searchParams.getAll('ticket')).to.deep.equal(['T1']);
    expect(out.searchParams.get('next')).to.equal('/a');
    expect(out.hash).to.equal('#top');
  });
});

describe('sso: allowed return origins in the settings', () => {
  it('keeps https origins and http on localhost/127.0.0.1, in canonical form', () => {
    expect(canonicalOrigin('HTTPS://Ones.Example.COM/')).to.equal('https://ones.example.com');
    expect(canonicalOrigin('https://ones.example.com:443')).to.equal('https://ones.example.com');
    expect(canonicalOrigin('http://localhost:8080')).to.equal('http://localhost:8080');
    expect(canonicalOrigin('http://127.0.0.1')).to.equal('http://127.0.0.1');
  });

  it('refuses plain http elsewhere, paths, queries, fragments, credentials and non-URLs', () => {
    for (const bad of [
      'http://ones.example.com',
      'http://10.0.0.1',
      'http://localhost.evil.test',
      'https://ones.example.com/login',
      'https://ones.example.com?x',
      'https://ones.example.com#x',
      'https://u:p@ones.example.com',
      'https://u@ones.example.com',
      'ftp://ones.example.com',
      'ones.example.com',
      '//ones.example.com',
      'https://ones.example.com\\',
      'https://',
    ]) {
      expect(canonicalOrigin(bad), bad).to.equal(null);
    }
  });

  it('every origin it keeps is accepted back by the returnTo check as exactly that origin', () => {
    fc.assert(
      fc.property(allowedOrigin, (o) => {
        const kept = canonicalOrigin(o)!;
        expect(allowedReturnTo(`${kept}/x`, [kept])?.origin).to.equal(kept);
      }),
    );
  });
});
