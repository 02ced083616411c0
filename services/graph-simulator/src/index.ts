/**
 * @ones-m365/graph-simulator: a local Microsoft Graph v1.0 + Entra ID login host over HTTPS.
 *
 *   const sim = await startGraphSimulator({ seed: { users: 1000, rooms: 50 } });
 *   // MSAL authority: `${sim.loginUrl}/${sim.tenantId}`, knownAuthorities: [sim.authorityHost]
 *   // Graph client baseUrl: sim.graphUrl (no version), customHosts: new Set([sim.host])
 *   await sim.close();
 */
import { SimulatorControl } from './control/ops.js';
import type { GraphSimulatorOptions } from './options.js';
import { startCore } from './simulator.js';
import type { Cloud } from './tenant/model.js';

export type { GraphSimulatorOptions } from './options.js';
export type { Settings, DeltaExpiredMode, SubscriptionQuotas } from './settings.js';
export { DEFAULT_SETTINGS } from './settings.js';
export type { SeedSpec, SeedAppSpec } from './tenant/seed.js';
export { DEFAULT_PERMISSIONS } from './tenant/seed.js';
export type { Cloud, RoomRecord, EventRecord, GroupRecord, MeetingMessage } from './tenant/model.js';
export type { BookingInput } from './tenant/mutations.js';
export type {
  ErrorFaultSpec,
  LatencyFaultSpec,
  NotificationFaultSpec,
  FaultSnapshot,
  SignInErrorFaultSpec,
  IdTokenFaultSpec,
} from './faults/faults.js';
export type { DeliveryRecord, NotificationItem } from './notifications/notifier.js';
export type { CounterRow } from './counters.js';
export type { AppInfo, TenantInfo, UserView } from './control/views.js';
export { SimulatorControl, type LifecycleEvent } from './control/ops.js';
export { prepareTls, type TlsMaterial } from './tls/certificates.js';
export { CLOUDS } from './tenant/clouds.js';

export class GraphSimulator extends SimulatorControl {
  /** Origin of the login host: MSAL authority = `${loginUrl}/${tenantId}`. */
  readonly loginUrl: string;
  /** Graph base URL WITHOUT the version (what the Graph JS client's `baseUrl` wants). */
  readonly graphUrl: string;
  /** `${graphUrl}/v1.0`. */
  readonly graphV1Url: string;
  /** Origin of the control API: routes under `${controlUrl}/_control/...`. */
  readonly controlUrl: string;
  readonly controlKey: string;
  readonly caCertPem: string;
  /** Path of ca.pem (for NODE_EXTRA_CA_CERTS). */
  readonly caCertPath: string;
  readonly dataDir: string;
  readonly cloud: Cloud;
  /** Host name clients use (for Graph client `customHosts`). */
  readonly host: string;
  /** `host:port` (for MSAL `knownAuthorities`). */
  readonly authorityHost: string;
  /** Primary tenant and its app. */
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Same as clientId (Entra's name for it). */
  readonly appId: string;
  /** Scope for client credentials: `<cloud Graph resource>/.default`. */
  readonly graphScope: string;

  constructor(core: Awaited<ReturnType<typeof startCore>>) {
    super(core);
    const url = new URL(core.origin);
    this.loginUrl = core.origin;
    this.graphUrl = core.origin;
    this.graphV1Url = `${core.origin}/v1.0`;
    this.controlUrl = core.origin;
    this.controlKey = core.controlKey;
    this.caCertPem = core.caCertPem;
    this.caCertPath = core.caCertPath;
    this.dataDir = core.dataDir;
    this.cloud = core.ctx.cloud;
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.authorityHost = url.host;
    const app = [...core.primary.apps.values()][0]!;
    this.tenantId = core.primary.id;
    this.clientId = app.appId;
    this.appId = app.appId;
    this.clientSecret = app.secrets[0]!.value;
    this.graphScope =
      core.ctx.cloud === 'china'
        ? 'https://microsoftgraph.chinacloudapi.cn/.default'
        : 'https://graph.microsoft.com/.default';
  }

  /** Stops listening, drops hanging requests and pending notifications. */
  close(): Promise<void> {
    return this.core.close();
  }
}

export async function startGraphSimulator(options: GraphSimulatorOptions = {}): Promise<GraphSimulator> {
  return new GraphSimulator(await startCore(options));
}
