/**
 * The demo tenant is served by the Graph simulator over HTTPS with its own CA. Node reads
 * NODE_EXTRA_CA_CERTS only at start, so `npm start` makes the CA first, then runs itself again
 * with NODE_EXTRA_CA_CERTS naming a bundle of that CA (plus any CA file the user already set):
 * the same way a deployment behind a TLS-inspecting proxy is configured.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareTls } from '@ones-m365/graph-simulator';

const MARK = 'ONES_M365_CA_BUNDLE';

/** Returns normally when this process already trusts the CA; otherwise runs a child that does and exits with its code. */
export async function ensureSimulatorCaTrusted(dataDir: string, simulatorDir: string): Promise<void> {
  const bundle = join(dataDir, 'ca-bundle.pem');
  if (process.env[MARK] === bundle && process.env.NODE_EXTRA_CA_CERTS === bundle) return;
  await prepareTls(simulatorDir);
  const own = readFileSync(join(simulatorDir, 'ca.pem'), 'utf8');
  const user =
    process.env.NODE_EXTRA_CA_CERTS && existsSync(process.env.NODE_EXTRA_CA_CERTS)
      ? readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8')
      : '';
  writeFileSync(bundle, `${user}\n${own}`, { mode: 0o644 });
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [MARK]: bundle },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) => child.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  process.exit(code);
}
