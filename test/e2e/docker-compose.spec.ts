/**
 * No Docker engine runs here, but the compose file is still checked offline by docker-compose
 * itself (`docker-compose config -q`: schema, anchors, variable interpolation).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError, loadApiConfig } from '@ones-m365/shared/config';

const run = promisify(execFile);
const ENV = { ...process.env, ENCRYPTION_KEY: 'k', API_TOKEN: 't', DASHBOARD_PASSWORD: 'p' };

async function compose(args: string[], env: NodeJS.ProcessEnv = ENV) {
  try {
    return await run('docker-compose', args, { env });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('docker-compose is not installed: `apt-get install docker-compose` (.ci/run installs it)', {
        cause: err,
      });
    throw err;
  }
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose', async () => {
    await compose(['config', '-q']);
  });

  it('has mysql, redis (noeviction, AOF), api, worker, and the simulator under the demo profile', async () => {
    const { stdout } = await compose(['--profile', 'demo', 'config']);
    for (const service of ['mysql:', 'redis:', 'api:', 'worker:', 'migrate:', 'graph-simulator:'])
      expect(stdout).to.include(`  ${service}`);
    const simulatorBlock = stdout.slice(
      stdout.indexOf('  graph-simulator:'),
      stdout.indexOf('\n  ', stdout.indexOf('  graph-simulator:') + 20) + 2000,
    );
    expect(simulatorBlock).to.match(/profiles:\s*\n\s*- demo/);
    const { readFile } = await import('node:fs/promises');
    const redisConf = await readFile(new URL('../../infra/redis/redis.conf', import.meta.url), 'utf8');
    expect(redisConf).to.match(/^maxmemory-policy noeviction$/m);
    expect(redisConf).to.match(/^appendonly yes$/m);
  });

  it('brings up the infrastructure services with no variables set (docker compose up -d mysql redis)', async () => {
    const bare = { PATH: process.env.PATH, HOME: process.env.HOME };
    await compose(['config', '-q'], bare);
    const { stdout } = await compose(['config', '--services'], bare);
    expect(stdout.split('\n')).to.include.members(['mysql', 'redis']);
  });

  it('leaves the api its secrets to insist on: unset, they reach it empty, and its config check names them', async () => {
    const { stdout } = await compose(['config'], { PATH: process.env.PATH, HOME: process.env.HOME });
    expect(stdout)
      .to.match(/ENCRYPTION_KEY: ''/)
      .and.match(/API_TOKEN: ''/)
      .and.match(/DASHBOARD_PASSWORD: ''/);
    const env = { ENCRYPTION_KEY: '', API_TOKEN: '', DASHBOARD_PASSWORD: '', DASHBOARD_USER: 'admin' };
    expect(() => loadApiConfig(env)).to.throw(ConfigError, /ENCRYPTION_KEY/);
  });
});
