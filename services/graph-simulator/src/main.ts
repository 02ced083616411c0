/**
 * Standalone simulator process (`npm run start:graph-simulator`), configured by the environment:
 * SIMULATOR_PORT (default 4443), SIMULATOR_HOST (127.0.0.1), SIMULATOR_CLOUD (global|china),
 * SIMULATOR_CONTROL_KEY (random), SIMULATOR_SEED (1), SIMULATOR_SEED_USERS (1000),
 * SIMULATOR_SEED_ROOMS (50), SIMULATOR_DATA_DIR (./data/graph-simulator), SIMULATOR_TOKEN_SECRET,
 * SIMULATOR_ALLOW_HTTP_NOTIFICATION_URLS (true|false|loopback), SIMULATOR_DELTA_PAGE_SIZE,
 * SIMULATOR_PLACES_NEXT_LINK (true|false), SIMULATOR_EXTRA_HOSTS (comma-separated SANs).
 */
import { startGraphSimulator } from './index.js';

function int(name: string, dflt: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`${name} must be a non-negative integer, got '${raw}'`);
    process.exit(1);
  }
  return n;
}

async function main(): Promise<void> {
  const env = process.env;
  const cloud = env.SIMULATOR_CLOUD ?? 'global';
  if (cloud !== 'global' && cloud !== 'china') {
    console.error(`SIMULATOR_CLOUD must be 'global' or 'china', got '${cloud}'`);
    process.exit(1);
  }
  const httpUrls = env.SIMULATOR_ALLOW_HTTP_NOTIFICATION_URLS;
  const sim = await startGraphSimulator({
    port: int('SIMULATOR_PORT', 4443),
    host: env.SIMULATOR_HOST ?? '127.0.0.1',
    cloud,
    dataDir: env.SIMULATOR_DATA_DIR ?? 'data/graph-simulator',
    seed: {
      seed: int('SIMULATOR_SEED', 1),
      users: int('SIMULATOR_SEED_USERS', 1000),
      rooms: int('SIMULATOR_SEED_ROOMS', 50),
    },
    ...(env.SIMULATOR_CONTROL_KEY ? { controlKey: env.SIMULATOR_CONTROL_KEY } : {}),
    ...(env.SIMULATOR_TOKEN_SECRET ? { tokenSecret: env.SIMULATOR_TOKEN_SECRET } : {}),
    ...(env.SIMULATOR_EXTRA_HOSTS
      ? {
          extraHosts: env.SIMULATOR_EXTRA_HOSTS.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...(httpUrls ? { allowHttpNotificationUrls: httpUrls === 'loopback' ? 'loopback' : httpUrls === 'true' } : {}),
    ...(env.SIMULATOR_DELTA_PAGE_SIZE ? { deltaPageSize: int('SIMULATOR_DELTA_PAGE_SIZE', 200) } : {}),
    settings: {
      ...(env.SIMULATOR_PLACES_NEXT_LINK ? { placesNextLink: env.SIMULATOR_PLACES_NEXT_LINK === 'true' } : {}),
    },
  });
  console.log(
    JSON.stringify(
      {
        message: 'Graph simulator listening',
        loginUrl: sim.loginUrl,
        graphUrl: sim.graphUrl,
        controlUrl: `${sim.controlUrl}/_control`,
        controlKey: sim.controlKey,
        caCertPath: sim.caCertPath,
        cloud: sim.cloud,
        tenantId: sim.tenantId,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        authority: `${sim.loginUrl}/${sim.tenantId}`,
        scope: sim.graphScope,
        hint: `clients must trust the CA: NODE_EXTRA_CA_CERTS=${sim.caCertPath}`,
      },
      null,
      2,
    ),
  );
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
