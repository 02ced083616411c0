/**
 * `npm test` never skips the layers that need services: with Redis or MySQL unreachable it stops
 * at once, naming which and how to start it, and counts that as a failure.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function runTests(env: Record<string, string>): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'test/run-tests.ts', 'integration'],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr, stdout });
      },
    );
  });
}

describe('npm test without its services', () => {
  it('stops at once when Redis is unreachable, saying how to start it', async () => {
    const r = await runTests({ TEST_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).to.equal(1);
    expect(r.out).to.include('Redis is not reachable at redis://127.0.0.1:1');
    expect(r.out).to.include('redis-server');
    expect(r.out).to.not.include('MySQL is not reachable');
    expect(r.stdout.trim().split('\n').pop()).to.equal('0 passed, 1 failed');
  });

  it('stops at once when MySQL is unreachable, saying how to start it', async () => {
    const r = await runTests({ TEST_MYSQL_URL: 'mysql://root@127.0.0.1:1' });
    expect(r.code).to.equal(1);
    expect(r.out).to.include('MySQL is not reachable at mysql://root@127.0.0.1:1');
    expect(r.out).to.include('docker compose up -d mysql');
  });
});
