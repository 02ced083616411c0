import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { browserIdFor, browserIdOf } from '../../../services/api/src/auth/browser-binding.js';

describe('sign-in: the browser-binding cookie', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const app = express();
    app.get('/auth/:secure', (req, res) =>
      res.json({ id: browserIdFor(req, res, req.params.secure === 'https'), seen: browserIdOf(req) }),
    );
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('is HttpOnly, SameSite=Lax, scoped to /auth, short-lived, and Secure when the service is reached over https', async () => {
    const https = (await fetch(`${base}/auth/https`)).headers.getSetCookie()[0]!;
    expect(https)
      .to.match(/^ones_m365_sign_in=[A-Za-z0-9_-]{43}; /)
      .and.match(/; HttpOnly/)
      .and.match(/; Secure/)
      .and.match(/; SameSite=Lax/)
      .and.match(/; Path=\/auth/)
      .and.match(/Max-Age=600/);
    const http = (await fetch(`${base}/auth/http`)).headers.getSetCookie()[0]!;
    expect(http).not.to.match(/Secure/);
  });

  it('keeps the value a browser already has (two sign-ins in two tabs), and ignores malformed values', async () => {
    const first = (await (await fetch(`${base}/auth/http`)).json()) as { id: string };
    const again = (await (
      await fetch(`${base}/auth/http`, { headers: { cookie: `other=1; ones_m365_sign_in=${first.id}` } })
    ).json()) as { id: string; seen: string };
    expect(again).to.deep.equal({ id: first.id, seen: first.id });
    const bad = (await (
      await fetch(`${base}/auth/http`, { headers: { cookie: 'ones_m365_sign_in=<script>' } })
    ).json()) as { id: string; seen: string | null };
    expect(bad.seen).to.equal(null);
    expect(bad.id).to.match(/^[A-Za-z0-9_-]{43}$/);
  });
});
