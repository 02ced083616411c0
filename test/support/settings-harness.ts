/**
 * The api (in process, real MySQL + Redis) and a Graph simulator over HTTPS, wired the way a
 * deployment with custom endpoints is: the integration names the simulator's login and Graph
 * hosts, and the process trusts the simulator's CA.
 */
import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions } from '@ones-m365/graph-simulator';
import { startApiHarness, type ApiHarness } from './api-harness.js';
import { trustCa } from './graph-simulator-clients.js';

export interface SettingsHarness {
  h: ApiHarness;
  sim: GraphSimulator;
  /** A valid create body for the simulator's primary tenant. */
  body(over?: Record<string, unknown>): Record<string, unknown>;
  /**
   * Creates an integration and returns its id. One tenant and app may have only one live
   * integration, so one that holds the same cloud + tenant + client ID is deleted first.
   */
  create(over?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A valid create body for the simulator's primary tenant, wired to its endpoints. */
export function integrationBody(sim: GraphSimulator, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Contoso',
    cloud: sim.cloud,
    tenantId: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    endpoints: { login: sim.loginUrl, graph: sim.graphUrl },
    ...over,
  };
}

export async function startSettingsHarness(
  simOptions: GraphSimulatorOptions = {},
  env: Record<string, string> = {},
): Promise<SettingsHarness> {
  const sim = await startGraphSimulator({ seed: { users: 30, rooms: 12, groups: 4 }, ...simOptions });
  trustCa(sim.caCertPem);
  const h = await startApiHarness({
    ALLOW_CUSTOM_ENDPOINTS: 'true',
    PUBLIC_BASE_URL: 'https://ones-m365.example.com',
    ...env,
  });
  const body = (over: Record<string, unknown> = {}) => integrationBody(sim, over);
  return {
    h,
    sim,
    body,
    async create(over = {}) {
      let r = await h.call('/api/v1/integrations', { method: 'POST', json: body(over) });
      if (r.status === 409) {
        await h.call(`/api/v1/integrations/${r.body.error.details.integrationId}`, { method: 'DELETE' });
        r = await h.call('/api/v1/integrations', { method: 'POST', json: body(over) });
      }
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    async close() {
      await h.close();
      await sim.close();
    },
  };
}
