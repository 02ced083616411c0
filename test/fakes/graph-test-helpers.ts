/** Small helpers for shared/graph specs. */
import type { GraphConnection } from '../../shared/graph/index.js';

export const LOGIN = 'https://login.test.local';
export const GRAPH = 'https://graph.test.local:8443';
export const TENANT = '11111111-2222-3333-4444-555555555555';

export function testConnection(overrides: Partial<GraphConnection> = {}): GraphConnection {
  return {
    id: 'integration-1',
    cloud: 'global',
    tenantId: TENANT,
    clientId: 'client-1',
    clientSecret: 'super-secret-value-123',
    endpoints: { login: LOGIN, graph: GRAPH },
    ...overrides,
  };
}

/** Awaits a promise that must reject and returns the rejection. */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, it resolved');
}
