/** Wires the simulator together: context, routes, HTTPS server, notifications, sweeping. */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthCode, SimContext } from './context.js';
import { handleControl } from './control/routes.js';
import { Counters } from './counters.js';
import { Faults } from './faults/faults.js';
import { addBatchRoute } from './graph/batch.js';
import { addCalendarDeltaRoute } from './graph/calendar-delta.js';
import { addEventRoutes } from './graph/events.js';
import { addGroupRoutes } from './graph/groups.js';
import { addPlacesRoutes } from './graph/places.js';
import { addSubscriptionRoutes } from './graph/subscriptions.js';
import { TokenCodec } from './graph/tokens.js';
import { addUsersDeltaRoute } from './graph/users-delta.js';
import { addUserRoutes } from './graph/users.js';
import { createDispatch } from './http/dispatch.js';
import { MailboxGate } from './http/mailbox-gate.js';
import { Router } from './http/router.js';
import { createHttpsServer } from './http/server.js';
import type { SimRequest, SimResponse } from './http/types.js';
import { SigningKeys } from './login/keys.js';
import { addLoginRoutes } from './login/routes.js';
import { Notifier } from './notifications/notifier.js';
import { Poster } from './notifications/post.js';
import { SubscriptionStore } from './notifications/subscription-store.js';
import type { GraphSimulatorOptions } from './options.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { TenantRegistry } from './tenant/registry.js';
import { seedTenant } from './tenant/seed.js';
import type { Tenant } from './tenant/tenant.js';
import { prepareTls } from './tls/certificates.js';

export interface SimulatorCore {
  ctx: SimContext;
  primary: Tenant;
  origin: string;
  controlKey: string;
  caCertPem: string;
  caCertPath: string;
  dataDir: string;
  /** Adds a tenant and hooks its changes to notifications. */
  addTenant(t: Tenant): void;
  dispatch(req: SimRequest): Promise<SimResponse>;
  close(): Promise<void>;
}

export async function startCore(options: GraphSimulatorOptions): Promise<SimulatorCore> {
  const cloud = options.cloud ?? 'global';
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'graph-sim-')));
  const settings = {
    ...DEFAULT_SETTINGS,
    subscriptionQuotas: { ...DEFAULT_SETTINGS.subscriptionQuotas },
    ...options.settings,
  };
  if (options.allowHttpNotificationUrls !== undefined)
    settings.allowHttpNotificationUrls = options.allowHttpNotificationUrls;
  if (options.deltaPageSize !== undefined) settings.deltaPageSize = options.deltaPageSize;
  const faults = new Faults(options.seed?.seed ?? 1);
  const subscriptions = new SubscriptionStore();
  const poster = new Poster();
  const ctx: SimContext = {
    cloud,
    settings,
    tenants: new TenantRegistry(),
    keys: await SigningKeys.create(),
    codec: new TokenCodec(options.tokenSecret ? Buffer.from(options.tokenSecret) : randomBytes(32)),
    faults,
    counters: new Counters(),
    mailboxes: new MailboxGate(),
    subscriptions,
    notifier: new Notifier(settings, faults, subscriptions, poster),
    authCodes: new Map<string, AuthCode>(),
  };
  const addTenant = (t: Tenant): void => {
    ctx.tenants.add(t);
    t.onChange(ctx.notifier.onChange);
  };
  const primary = seedTenant(options.seed ?? {}, cloud);
  addTenant(primary);

  const router = new Router();
  addLoginRoutes(router, ctx);
  addUserRoutes(router, ctx);
  addUsersDeltaRoute(router, ctx);
  addGroupRoutes(router, ctx);
  addPlacesRoutes(router, ctx);
  addCalendarDeltaRoute(router, ctx);
  addEventRoutes(router, ctx);
  addSubscriptionRoutes(router, ctx, poster);
  const dispatch = createDispatch(router, faults, ctx.counters, {
    gate: ctx.mailboxes,
    limit: () => settings.mailboxConcurrencyLimit,
  });
  addBatchRoute(router, dispatch);

  const controlKey = options.controlKey ?? randomBytes(18).toString('base64url');
  const tls = await prepareTls(dataDir, [host, ...(options.extraHosts ?? [])]);
  let core: SimulatorCore | undefined; // eslint-disable-line prefer-const -- assigned once the server exists, read by its handler
  const server: Server = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, (req) =>
    req.path.startsWith('/_control') ? handleControl(core!, req) : dispatch(req),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const sweeper = setInterval(() => subscriptions.sweep(), 1_000);
  sweeper.unref();
  const origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  core = {
    ctx,
    primary,
    origin,
    controlKey,
    caCertPem: tls.caCertPem,
    caCertPath: tls.caCertPath,
    dataDir,
    addTenant,
    dispatch,
    close: async () => {
      clearInterval(sweeper);
      ctx.notifier.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return core;
}
