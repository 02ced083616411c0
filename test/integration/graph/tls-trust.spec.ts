/**
 * The other half of the CA-trust decision: this process did NOT start with the simulator's CA in
 * NODE_EXTRA_CA_CERTS, so the client must refuse the simulator's certificate and say how to fix it.
 */
import { expect } from 'chai';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { startGraphSimulator, type GraphSimulator } from '@ones-m365/graph-simulator';
import { createGraphClient, GraphConfigError } from '../../../shared/graph/index.js';
import { makeSimulatorCa } from './child-runner.js';

describe('graph client TLS trust without NODE_EXTRA_CA_CERTS', () => {
  let sim: GraphSimulator;
  let saved: Dispatcher;
  before(async () => {
    // Other specs of this process may have taught global fetch the simulator's CA
    // (graph-simulator-clients.ts): test with the system roots only, whatever ran before.
    saved = getGlobalDispatcher();
    setGlobalDispatcher(new Agent());
    const { dataDir } = await makeSimulatorCa();
    sim = await startGraphSimulator({ dataDir, seed: { users: 1, rooms: 1 } });
  });
  after(async () => {
    setGlobalDispatcher(saved);
    await sim.close();
  });

  it('refuses the untrusted certificate with a configuration error naming NODE_EXTRA_CA_CERTS', async () => {
    const graph = createGraphClient({ loginTimeoutMs: 2_000 });
    let caught: unknown;
    try {
      await graph.getToken({
        id: 'tls',
        cloud: 'global',
        tenantId: sim.tenantId,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        endpoints: { login: sim.loginUrl, graph: sim.graphUrl },
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(GraphConfigError);
    expect((caught as Error).message).to.include('NODE_EXTRA_CA_CERTS');
    expect((caught as GraphConfigError).retryable).to.equal(false);
  });
});
