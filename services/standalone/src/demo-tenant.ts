/**
 * The no-config demo: a Graph simulator tenant (deterministic seed, so it is the same tenant after
 * every restart) and, when ONES has no integration yet, an integration for it created and enabled
 * through the public API, exactly as the ONES backend would.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- the demo's setup steps read the api's JSON answers field by field */
import { startGraphSimulator, type GraphSimulator } from '@ones-m365/graph-simulator';

export async function startDemoSimulator(
  dataDir: string,
  port: number,
  tokenSecret: string,
  controlKey: string,
): Promise<GraphSimulator> {
  const options = {
    dataDir,
    tokenSecret,
    controlKey,
    seed: { seed: 20261128, users: 250, rooms: 12, groups: 6, eventsPerRoom: 8, seriesPerRoom: 1 },
  };
  try {
    return await startGraphSimulator({ ...options, port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return await startGraphSimulator({ ...options, port: 0 });
  }
}

interface ApiClient {
  (path: string, init?: { method?: string; json?: unknown }): Promise<{ status: number; body: any }>;
}

export function apiClient(base: string, token: string): ApiClient {
  return async (path, init = {}) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

const DEMO_NAME = 'Demo tenant (Graph simulator)';

/** Creates and enables the demo integration when there is none; keeps its endpoints current. */
export async function ensureDemoIntegration(
  api: ApiClient,
  sim: GraphSimulator,
): Promise<{ id: string; created: boolean } | null> {
  const list = await api('/integrations');
  const items = list.body.items as { id: string; name: string; endpoints: { login: string; graph: string } | null }[];
  const endpoints = { login: sim.loginUrl, graph: sim.graphUrl };
  const demo = items.find((i) => i.name === DEMO_NAME);
  if (demo) {
    if (demo.endpoints?.login !== endpoints.login || demo.endpoints?.graph !== endpoints.graph) {
      // New endpoints need the secret in the same request (the API refuses them without it).
      await api(`/integrations/${demo.id}`, { method: 'PATCH', json: { endpoints, clientSecret: sim.clientSecret } });
    }
    // The simulator starts empty of subscriptions: enabling again checks them at Graph (and
    // recreates them) and reloads the demo tenant.
    await api(`/integrations/${demo.id}/enable`, { method: 'POST' });
    return { id: demo.id, created: false };
  }
  if (items.length > 0) return null;
  const created = await api('/integrations', {
    method: 'POST',
    json: {
      name: DEMO_NAME,
      cloud: sim.cloud,
      tenantId: sim.tenantId,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      endpoints,
    },
  });
  if (created.status !== 201) throw new Error(`could not create the demo integration: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const enabled = await api(`/integrations/${id}/enable`, { method: 'POST' });
  if (enabled.status >= 300) throw new Error(`could not enable the demo integration: ${JSON.stringify(enabled.body)}`);
  return { id, created: true };
}

/**
 * Turns on "Sign in with Microsoft" for the demo integration, back to the demo login page's
 * origin, and registers the Redirect URI with the simulator's app (the admin's portal step).
 */
export async function enableDemoSignIn(
  api: ApiClient,
  sim: GraphSimulator,
  integrationId: string,
  returnOrigin: string,
): Promise<void> {
  const redirect = await api(`/integrations/${integrationId}/redirect-uri`);
  sim.updateApp(sim.clientId, {
    redirectUris: [
      'http://127.0.0.1/auth/callback',
      'http://localhost/auth/callback',
      redirect.body.redirectUri as string,
    ],
  });
  const current = await api(`/integrations/${integrationId}`);
  const {
    resolvedCardAttribute: _resolved,
    signIn,
    ...settings
  } = current.body.userSettings as { resolvedCardAttribute?: string; signIn?: { allowedReturnOrigins: string[] } };
  const origins = [...new Set([...(signIn?.allowedReturnOrigins ?? []), returnOrigin])].slice(-20);
  const r = await api(`/integrations/${integrationId}/user-settings`, {
    method: 'PUT',
    json: { ...settings, signIn: { enabled: true, allowedReturnOrigins: origins } },
  });
  if (r.status !== 200) throw new Error(`could not enable sign-in for the demo integration: ${JSON.stringify(r.body)}`);
}
