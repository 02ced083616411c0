/**
 * Run as a child process by the TLS spec: proves that a process configured only by the environment
 * (NODE_EXTRA_CA_CERTS + custom endpoints), with no code-level trust, reaches the simulator through
 * the real msal-node and Graph client. Prints one JSON line.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';

const env = process.env;
const msal = new ConfidentialClientApplication({
  auth: {
    clientId: env.SIM_CLIENT_ID!,
    clientSecret: env.SIM_CLIENT_SECRET!,
    authority: `${env.SIM_LOGIN_URL}/${env.SIM_TENANT_ID}`,
    knownAuthorities: [new URL(env.SIM_LOGIN_URL!).host],
  },
});
const graph = Client.init({
  baseUrl: env.SIM_GRAPH_URL!,
  customHosts: new Set([new URL(env.SIM_GRAPH_URL!).hostname]),
  authProvider: (done) => {
    msal.acquireTokenByClientCredential({ scopes: [env.SIM_SCOPE!] }).then(
      (r) => done(null, r?.accessToken ?? null),
      (e: Error) => done(e, null),
    );
  },
});
try {
  const page = (await graph.api('/users').top(3).get()) as { value: unknown[] };
  console.log(JSON.stringify({ ok: true, users: page.value.length }));
} catch (e) {
  const err = e as { errorCode?: string; message?: string };
  console.log(JSON.stringify({ ok: false, error: err.errorCode ?? err.message }));
}
