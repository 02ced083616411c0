/**
 * `npm start`: the whole service with no configuration at all. Embedded SQLite under ./data, Redis
 * at REDIS_URL (or a redis-server it starts), api and worker in one process, credentials made up
 * and kept under ./data, the URLs printed. Any variable of the contract may still be set.
 */
import { resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startApiProcess, createMetrics } from '@ones-m365/api';
import { ConfigError, loadApiConfig, loadWorkerConfig } from '@ones-m365/shared/config';
import { SecretBox } from '@ones-m365/shared/crypto';
import { openDatabase } from '@ones-m365/shared/db';
import { createGraphClient } from '@ones-m365/shared/graph';
import { createLogger } from '@ones-m365/shared/logging';
import { OperationsReader, OperationsRecorder, secretStatusWriter } from '@ones-m365/shared/operations';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { createSignInClient } from '@ones-m365/shared/sso';
import { startWorkerProcess } from '@ones-m365/worker';
import type { GraphSimulator } from '@ones-m365/graph-simulator';
import { databaseLine, redisLine } from './banner.js';
import { ensureSimulatorCaTrusted } from './ca-trust.js';
import { loadOrCreateCredentials } from './credentials.js';
import { startDemoLoginPage, type DemoLoginPage } from './demo-login-page.js';
import { apiClient, enableDemoSignIn, ensureDemoIntegration, startDemoSimulator } from './demo-tenant.js';
import { NO_REDIS_HELP, redisAnswers, startLocalRedis } from './local-redis.js';

async function main(): Promise<void> {
  const dataDir = resolve(process.env.DATA_DIR ?? './data');
  const demo = process.env.DEMO !== 'false';
  const simulatorDir = resolve(dataDir, 'graph-simulator');
  if (demo) await ensureSimulatorCaTrusted(dataDir, simulatorDir);
  const { credentials, created } = loadOrCreateCredentials(dataDir);
  const env: Record<string, string | undefined> = {
    DATABASE_URL: `sqlite:${resolve(dataDir, 'ones-m365.sqlite')}`,
    ALLOW_CUSTOM_ENDPOINTS: 'true',
    ...process.env,
    API_TOKEN: process.env.API_TOKEN || credentials.apiToken,
    DASHBOARD_USER: process.env.DASHBOARD_USER || credentials.dashboardUser,
    DASHBOARD_PASSWORD: process.env.DASHBOARD_PASSWORD || credentials.dashboardPassword,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY || credentials.encryptionKey,
  };

  let redisChild: ChildProcess | undefined;
  const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
  // A Redis Cluster is used as configured; only a single Redis is started when none answers.
  if (!env.REDIS_CLUSTER_NODES && !(await redisAnswers(redisUrl))) {
    const local = await startLocalRedis(dataDir);
    if (!local) {
      console.error(`\n${NO_REDIS_HELP}\n`);
      process.exit(1);
    }
    redisChild = local.child;
    env.REDIS_URL = local.url;
  }

  let apiConfig, workerConfig;
  try {
    apiConfig = loadApiConfig(env);
    workerConfig = loadWorkerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      redisChild?.kill();
      process.exit(1);
    }
    throw err;
  }

  const logger = createLogger({ service: 'ones-m365', level: apiConfig.log.level, format: apiConfig.log.format });
  const db = await openDatabase(apiConfig.databaseUrl);
  const producerRedis = createRedisConnection(apiConfig.redis, 'producer');
  const workerRedis = createRedisConnection(apiConfig.redis, 'worker');
  const eventsRedis = createRedisConnection(apiConfig.redis, 'worker');
  const producer = createProducer(producerRedis, apiConfig.keyPrefix);
  const operations = new OperationsRecorder(producerRedis, apiConfig.keyPrefix, {
    onSecretRejected: secretStatusWriter(db),
  });
  const graph = createGraphClient({ observer: operations });
  const secretBox = new SecretBox(apiConfig.encryptionKey);
  const worker = await startWorkerProcess({
    db,
    connection: workerRedis,
    producer,
    logger,
    graph,
    secretBox,
    operations,
    prefix: apiConfig.keyPrefix,
    concurrency: workerConfig.concurrency,
    lockDurationMs: workerConfig.lockDurationMs,
    publicBaseUrl: workerConfig.publicBaseUrl,
    safetyNetSeconds: workerConfig.safetyNetSeconds,
    calendar: workerConfig.calendar,
    eventsWebhook: workerConfig.eventsWebhook,
  });
  const api = await startApiProcess(
    {
      config: apiConfig,
      logger,
      db,
      redis: producerRedis,
      producer,
      metrics: createMetrics(producer, {
        db,
        redis: producerRedis,
        secretBox,
        reader: new OperationsReader(producerRedis, apiConfig.keyPrefix),
      }),
      graph,
      signIn: createSignInClient(),
      secretBox,
      events: eventsRedis,
    },
    apiConfig.port,
    '127.0.0.1',
  );

  const base = `http://127.0.0.1:${api.port}`;
  let sim: GraphSimulator | undefined;
  let loginPage: DemoLoginPage | undefined;
  let demoLines: string[] = [];
  if (demo) {
    sim = await startDemoSimulator(
      simulatorDir,
      Number(process.env.SIMULATOR_PORT ?? 4443),
      credentials.simulatorTokenSecret,
      credentials.simulatorControlKey,
    );
    const integration = await ensureDemoIntegration(apiClient(base, apiConfig.apiToken), sim);
    let loginProblem: string | undefined;
    if (integration) {
      loginPage = await startDemoLoginPage(
        { apiBase: base, apiToken: apiConfig.apiToken, integrationId: integration.id },
        Number(process.env.DEMO_LOGIN_PORT ?? apiConfig.port + 1),
      );
      // The demo's sign-in is a convenience: the service runs without it.
      loginProblem = await enableDemoSignIn(
        apiClient(base, apiConfig.apiToken),
        sim,
        integration.id,
        loginPage.origin,
      ).then(
        () => undefined,
        (err: Error) => err.message,
      );
    }
    demoLines = [
      `  Simulator    ${sim.graphUrl}/v1.0 (login ${sim.loginUrl}, control ${sim.controlUrl}/_control, key ${sim.controlKey})`,
      `  Demo tenant  ${sim.tenantId} (client ${sim.clientId}, secret ${sim.clientSecret})`,
      integration
        ? `  Demo         integration ${integration.id}${integration.created ? ' created and enabled: its first sync is running' : ''}`
        : '  Demo         not added: integrations exist already',
      ...(loginPage
        ? [
            `  Demo login   ${loginPage.origin}/   (Sign in with Microsoft, as ONES's login page would: pick an account on the simulator's page)`,
          ]
        : []),
      ...(loginProblem ? [`  Demo login   sign-in not enabled: ${loginProblem}`] : []),
    ];
  }
  const lines = [
    '',
    'ones-m365 is running.',
    `  API          ${base}/api/v1   (Authorization: Bearer ${apiConfig.apiToken})`,
    `  OpenAPI      ${base}/api/v1/openapi.json`,
    `  Dashboard    ${base}/admin/queues   (user ${apiConfig.dashboard.user}, password ${apiConfig.dashboard.password})`,
    `  Metrics      ${base}/metrics`,
    `  Database     ${databaseLine(apiConfig.databaseUrl)}`,
    `  Redis        ${redisLine(apiConfig.redis, redisChild ? dataDir : undefined)}`,
    `  Credentials  ${created ? 'made up now and kept in' : 'kept in'} ${resolve(dataDir, 'credentials.json')}`,
    ...demoLines,
    '',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await api.close();
    await loginPage?.close();
    await sim?.close();
    await worker.close();
    await producer.close();
    producerRedis.disconnect();
    workerRedis.disconnect();
    eventsRedis.disconnect();
    await db.destroy();
    redisChild?.kill();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error(`ones-m365 failed to start: ${(err as Error).message}`);
  process.exit(1);
});
