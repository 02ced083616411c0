/**
 * Once in a real browser: `npm start` (no configuration), its demo login page, the button with the
 * configured name, the simulator's "Pick an account" page, and back on the demo page the user who
 * signed in, as ONES's server learnt it by redeeming the ticket. A screenshot is kept in
 * test/artifacts/ (git-ignored).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, type Chromium } from '../support/chromium.js';
import { redisKeyPrefix } from '@ones-m365/shared/config';
import { freshQueuePrefix, removeQueueData } from '../support/env.js';
import { freePort, waitFor } from '../support/processes.js';
import { TEST_REDIS_URL } from '../support/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test', 'artifacts');

interface SyncedUser {
  userPrincipalName: string;
  displayName: string;
  graphId: string;
  accountEnabled: boolean;
}

describe('sign in with Microsoft in a real browser (npm start, Chromium)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ones-m365-signin-'));
  const queuePrefix = freshQueuePrefix();
  let out = '';
  let child: ReturnType<typeof spawn>;
  let browser: Chromium | undefined;

  after(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
    await removeQueueData(redisKeyPrefix(queuePrefix));
  });

  it("clicks the demo page's button, picks an account on the simulator's page, and lands signed in", async function () {
    this.timeout(110_000);
    const [port, loginPort] = [await freePort(), await freePort()];
    child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dataDir,
        PORT: String(port),
        DEMO_LOGIN_PORT: String(loginPort),
        SIMULATOR_PORT: '0',
        QUEUE_PREFIX: queuePrefix,
        REDIS_URL: TEST_REDIS_URL,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(
      'the startup banner',
      async () => out.includes('ones-m365 is running.') || (child.exitCode !== null && Promise.reject(new Error(out))),
      60_000,
    );
    const demoLogin = `http://127.0.0.1:${loginPort}/`;
    expect(out).to.contain(`Demo login   ${demoLogin}`);

    const { apiToken } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { apiToken: string };
    const get = async (path: string) =>
      (
        await fetch(`http://127.0.0.1:${port}/api/v1${path}`, { headers: { authorization: `Bearer ${apiToken}` } })
      ).json() as Promise<any>;
    const [integration] = (await get('/integrations')).items;
    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.goto(demoLogin);
    const button = page.locator('#sign-in');
    expect(await button.textContent()).to.equal('Sign in with Microsoft');
    await button.click();
    await page.waitForURL((u) => u.pathname.endsWith('/oauth2/v2.0/authorize'));
    expect(await page.locator('h1').textContent()).to.equal('Pick an account');
    // The account picked must be one the users sync has written (active, enabled) by now.
    const offered = new Set(
      await page.locator('#accounts a').evaluateAll((as) => as.map((a) => a.getAttribute('data-upn'))),
    );
    const user = await waitFor(
      'a synced user among the offered accounts',
      async () => {
        const synced = (await get(`/integrations/${integration.id}/users?limit=500&active=true`)).items as SyncedUser[];
        return synced.find((u) => u.accountEnabled && offered.has(u.userPrincipalName));
      },
      50_000,
      500,
    );
    await page.locator(`a[data-upn="${user.userPrincipalName}"]`).click();
    await page.waitForURL((u) => u.origin === `http://127.0.0.1:${loginPort}` && u.pathname === '/signed-in');
    const who = await page.locator('#who').textContent();
    expect(who).to.contain(user.displayName).and.contain(user.userPrincipalName);
    expect(await page.locator('dl').textContent()).to.contain(user.graphId);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in-demo.png'), fullPage: true });

    // The ticket in the address bar was redeemed by the demo page's server: reloading cannot reuse it.
    await page.reload();
    expect(await page.locator('#error').textContent()).to.contain('ticket_expired');
  });
});
