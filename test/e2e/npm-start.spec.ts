/**
 * `npm start` as a new user runs it: no configuration, an empty data directory. It must come up,
 * print the URLs and credentials, and sync the demo tenant from the simulator by itself.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisKeyPrefix } from '@ones-m365/shared/config';
import { freshQueuePrefix, removeQueueData } from '../support/env.js';
import { freePort, waitFor } from '../support/processes.js';
import { TEST_REDIS_URL } from '../support/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start with no configuration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ones-m365-start-'));
  const queuePrefix = freshQueuePrefix();
  let out = '';
  let child: ReturnType<typeof spawn>;
  let port: number;

  before(async () => {
    port = await freePort();
    child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dataDir,
        PORT: String(port),
        SIMULATOR_PORT: '0',
        QUEUE_PREFIX: queuePrefix,
        REDIS_URL: TEST_REDIS_URL,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  });

  after(async () => {
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
    await removeQueueData(redisKeyPrefix(queuePrefix));
  });

  it('comes up, prints the URLs and the credentials it made up, and keeps them', async function () {
    this.timeout(60_000);
    await waitFor(
      'the startup banner',
      async () => out.includes('ones-m365 is running.') || (child.exitCode !== null && Promise.reject(new Error(out))),
      50_000,
    );
    const creds = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as {
      apiToken: string;
      dashboardPassword: string;
    };
    expect(out).to.include(`http://127.0.0.1:${port}/api/v1`);
    expect(out).to.include(creds.apiToken);
    expect(out).to.include('/admin/queues');
    expect(out).to.include('Simulator');
    expect(out).to.include(`  Redis        ${TEST_REDIS_URL}\n`);
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/integrations`, {
      headers: { authorization: `Bearer ${creds.apiToken}` },
    });
    expect(r.status).to.equal(200);
  });

  it('syncs the demo tenant right away', async function () {
    this.timeout(60_000);
    const { apiToken } = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { apiToken: string };
    const get = async (path: string) =>
      (
        await fetch(`http://127.0.0.1:${port}/api/v1${path}`, { headers: { authorization: `Bearer ${apiToken}` } })
      ).json() as Promise<any>;
    const [integration] = (await get('/integrations')).items;
    expect(integration.name).to.equal('Demo tenant (Graph simulator)');
    expect(integration.status).to.equal('enabled');
    const users = await waitFor(
      'synced users',
      async () => {
        const page = await get(`/integrations/${integration.id}/users?limit=500`);
        return page.items.length >= 200 ? page.items : null;
      },
      50_000,
      500,
    );
    expect(users.length).to.be.greaterThan(200);
    const rooms = await get(`/integrations/${integration.id}/rooms`);
    expect(rooms.items.length).to.be.greaterThan(0);
  });
});

describe('npm start without any Redis', () => {
  it('says so in one paragraph with the two ways to get one, and exits 1', async function () {
    this.timeout(30_000);
    const { symlinkSync } = await import('node:fs');
    const { execFile } = await import('node:child_process');
    const bin = mkdtempSync(join(tmpdir(), 'ones-m365-bin-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'ones-m365-noredis-'));
    symlinkSync(process.execPath, join(bin, 'node')); // node only: no redis-server on this PATH
    try {
      const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          ['--conditions=source', '--import', 'tsx', 'services/standalone/src/main.ts'],
          {
            cwd: ROOT,
            env: {
              PATH: bin,
              HOME: process.env.HOME,
              DATA_DIR: dataDir,
              REDIS_URL: 'redis://127.0.0.1:1',
              DEMO: 'false',
            },
            timeout: 25_000,
          },
          (err, _stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      );
      expect(r.code).to.equal(1);
      const paragraph = r.stderr.trim();
      expect(paragraph.split('\n')).to.have.length(1);
      expect(paragraph).to.include('apt-get install redis-server').and.include('docker compose up -d redis');
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
