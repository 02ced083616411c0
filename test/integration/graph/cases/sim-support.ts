/**
 * Runs inside the child process started by child-runner.ts, where NODE_EXTRA_CA_CERTS already
 * trusts the simulator's CA (made in GRAPH_IT_DATA_DIR, reused here).
 */
import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions } from '@ones-m365/graph-simulator';
import type { GraphConnection } from '../../../../shared/graph/index.js';

export async function startSim(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  const dataDir = process.env.GRAPH_IT_DATA_DIR;
  if (!dataDir || !process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error(
      'Run these cases through test/integration/graph/graph-simulator.spec.ts (it sets NODE_EXTRA_CA_CERTS)',
    );
  }
  return startGraphSimulator({ dataDir, ...options });
}

let n = 0;

/** A connection to the simulator's primary tenant, with a fresh integration id by default. */
export function simConnection(sim: GraphSimulator, overrides: Partial<GraphConnection> = {}): GraphConnection {
  return {
    id: `it-${++n}`,
    cloud: sim.cloud,
    tenantId: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    endpoints: { login: sim.loginUrl, graph: sim.graphUrl },
    ...overrides,
  };
}

export { rejectionOf } from '../../../fakes/graph-test-helpers.js';
