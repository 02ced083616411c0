import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

function runChild(
  sim: GraphSimulator,
  extraEnv: Record<string, string>,
): Promise<{ ok: boolean; users?: number; error?: string }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    SIM_LOGIN_URL: sim.loginUrl,
    SIM_GRAPH_URL: sim.graphUrl,
    SIM_TENANT_ID: sim.tenantId,
    SIM_CLIENT_ID: sim.clientId,
    SIM_CLIENT_SECRET: sim.clientSecret,
    SIM_SCOPE: sim.graphScope,
    ...extraEnv,
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(root, 'test/support/graph-simulator-child-client.ts')],
      { cwd: root, env, timeout: 30_000 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop();
        if (!line) {
          reject(err ?? new Error(stderr));
          return;
        }
        resolve(JSON.parse(line) as { ok: boolean });
      },
    );
  });
}

describe('graph-simulator: TLS and CA trust', () => {
  let sim: GraphSimulator;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sim-ca-'));
    sim = await startGraphSimulator({ dataDir, seed: { users: 5, rooms: 1 } });
  });
  after(async () => {
    await sim.close();
  });

  it('writes its CA to dataDir/ca.pem and serves a leaf with SANs 127.0.0.1, ::1 and localhost', async () => {
    expect(sim.caCertPath).to.equal(join(dataDir, 'ca.pem'));
    expect(readFileSync(sim.caCertPath, 'utf8')).to.equal(sim.caCertPem);
    const ca = new X509Certificate(sim.caCertPem);
    expect(ca.ca).to.equal(true);
    const port = Number(new URL(sim.graphUrl).port);
    const peer = await new Promise<PeerCertificate>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, ca: sim.caCertPem, servername: 'localhost' }, () => {
        resolve(s.getPeerCertificate());
        s.end();
      });
      s.on('error', reject);
    });
    expect(peer.subjectaltname).to.contain('DNS:localhost');
    expect(peer.subjectaltname).to.contain('IP Address:127.0.0.1');
    expect(peer.subjectaltname).to.contain('IP Address:0:0:0:0:0:0:0:1');
  });

  it('reuses the CA found in dataDir, so a NODE_EXTRA_CA_CERTS path stays valid across restarts', async () => {
    const second = await startGraphSimulator({ dataDir, seed: { users: 1, rooms: 0 } });
    try {
      expect(second.caCertPem).to.equal(sim.caCertPem);
      expect(existsSync(join(dataDir, 'ca-key.pem'))).to.equal(true);
    } finally {
      await second.close();
    }
  });

  it('a process configured only with NODE_EXTRA_CA_CERTS reaches it through real msal-node 7 and the Graph client', async () => {
    const trusted = await runChild(sim, { NODE_EXTRA_CA_CERTS: sim.caCertPath });
    expect(trusted).to.deep.equal({ ok: true, users: 3 });
  });

  it('without the CA the same process fails (the certificate is really checked)', async () => {
    const untrusted = await runChild(sim, {});
    expect(untrusted.ok).to.equal(false);
  });
});
