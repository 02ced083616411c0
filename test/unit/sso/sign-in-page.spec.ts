import { expect } from 'chai';
import fc from 'fast-check';
import { microsoftFailure } from '@ones-m365/shared/sso';
import { escapeHtml, renderFailurePage } from '../../../services/api/src/auth/sign-in-page.js';

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');

describe('sso: the failure page', () => {
  it('escapes every character that could open markup or an attribute, reversibly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const out = escapeHtml(s);
        expect(out).not.to.match(/[<>"'`]/);
        expect(unescape(out)).to.equal(s);
      }),
    );
  });

  it('shows hostile text from Microsoft as text', () => {
    const failure = microsoftFailure('x"><script>alert(1)</script>', 'AADSTS1: <img src=x onerror=alert(1)>');
    const html = renderFailurePage(failure.info, { redirectUri: 'https://a.example/auth/callback"><b>' });
    expect(html).not.to.contain('<script').and.not.to.contain('<img');
    expect(html).to.contain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it("names the portal step for the admin's mistakes, and the Redirect URI for AADSTS50011", () => {
    const redirectUri = 'https://ones-m365.example.com/auth/callback';
    const page = (code: number) =>
      renderFailurePage(microsoftFailure('invalid_request', `AADSTS${code}: text`).info, { redirectUri });
    expect(page(50011))
      .to.contain('Authentication → Add a platform → Web')
      .and.contain(`<code id="redirect-uri">${redirectUri}</code>`);
    expect(page(65001)).to.contain('API permissions').and.contain('Grant admin consent');
    expect(page(700016)).to.contain('Client ID and Tenant ID');
    expect(page(7000222)).to.contain('Certificates &amp; secrets');
    expect(page(65001)).not.to.contain('redirect-uri');
  });

  it("an unlisted Microsoft error keeps Microsoft's words (first line) and its OAuth code", () => {
    const f = microsoftFailure('temporarily_unavailable', 'AADSTS90033: busy\nTrace ID: 1\nCorrelation ID: 2');
    expect(f.info.code).to.equal('temporarily_unavailable');
    expect(f.info.message).to.contain('AADSTS90033: busy').and.not.contain('Trace ID');
    expect(microsoftFailure('access_denied', '').info.status).to.equal(403);
  });
});
