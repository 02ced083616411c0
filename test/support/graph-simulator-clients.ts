/**
 * How this repo's tests reach the Graph simulator with the REAL msal-node and Graph JS client,
 * configured as a deployment with custom endpoints would be (see services/graph-simulator/README.md):
 *
 * - trust: Node's global fetch (used by both libraries) trusts NODE_EXTRA_CA_CERTS, but that is read
 *   at process start only. In-process tests instead install an undici dispatcher whose CA list is
 *   the system roots plus the simulator's CA, which any deployment may also do for a private CA.
 * - MSAL: `authority: <loginUrl>/<tenantId>`, `knownAuthorities: ['host:port']`.
 * - Graph client: `baseUrl` = graphUrl (no version), `customHosts: new Set([host])`.
 */
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { Client } from '@microsoft/microsoft-graph-client';
import { rootCertificates } from 'node:tls';
import { Agent, setGlobalDispatcher } from 'undici';

const trusted = new Set<string>();

/** Adds a CA to what global fetch trusts in this process (system roots stay trusted). */
export function trustCa(caPem: string): void {
  if (trusted.has(caPem)) return;
  trusted.add(caPem);
  setGlobalDispatcher(new Agent({ connect: { ca: [...rootCertificates, ...trusted] } }));
}

export interface SimEndpoints {
  loginUrl: string;
  graphUrl: string;
  authorityHost: string;
  host: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  graphScope: string;
  caCertPem: string;
}

export function msalFor(
  sim: SimEndpoints,
  over: { tenantId?: string; clientId?: string; clientSecret?: string } = {},
  extra: Partial<Configuration['system']> = {},
): ConfidentialClientApplication {
  trustCa(sim.caCertPem);
  return new ConfidentialClientApplication({
    auth: {
      clientId: over.clientId ?? sim.clientId,
      clientSecret: over.clientSecret ?? sim.clientSecret,
      authority: `${sim.loginUrl}/${over.tenantId ?? sim.tenantId}`,
      knownAuthorities: [sim.authorityHost],
    },
    system: { ...extra },
  });
}

/** A Graph client whose auth provider gets app-only tokens from MSAL (client credentials). */
export function graphFor(sim: SimEndpoints, msal: ConfidentialClientApplication, scope = sim.graphScope): Client {
  trustCa(sim.caCertPem);
  return Client.init({
    baseUrl: sim.graphUrl,
    customHosts: new Set([sim.host]),
    authProvider: (done) => {
      msal
        .acquireTokenByClientCredential({ scopes: [scope] })
        .then((r) => done(null, r?.accessToken ?? null))
        .catch((e: unknown) => done(e as Error, null));
    },
  });
}
