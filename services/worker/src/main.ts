/**
 * The worker process: the only place that builds its real clients. SIGTERM/SIGINT stop taking
 * jobs, let the active ones finish, then close connections: nothing is lost.
 */
import { configOrExit, loadWorkerConfig } from '@ones-m365/shared/config';
import { SecretBox } from '@ones-m365/shared/crypto';
import { createGraphClient } from '@ones-m365/shared/graph';
import { openDatabase } from '@ones-m365/shared/db';
import { createLogger } from '@ones-m365/shared/logging';
import { OperationsRecorder, secretStatusWriter } from '@ones-m365/shared/operations';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { startWorkerHealthServer } from './health/health-server.js';
import { startWorkerProcess } from './worker-process.js';

async function main(): Promise<void> {
  const config = configOrExit(() => loadWorkerConfig(process.env));
  const logger = createLogger({ service: 'worker', level: config.log.level, format: config.log.format });
  const db = await openDatabase(config.databaseUrl);
  const connection = createRedisConnection(config.redis, 'worker');
  const producerRedis = createRedisConnection(config.redis, 'producer');
  const producer = createProducer(producerRedis, config.keyPrefix);
  // Fail-fast connection: a record lost while Redis is down never holds up a job.
  const operations = new OperationsRecorder(producerRedis, config.keyPrefix, {
    onSecretRejected: secretStatusWriter(db),
  });
  // Listening before the workers start: the probes answer while it connects.
  const health = await startWorkerHealthServer({ db, redis: producerRedis }, config.healthPort);
  logger.info('worker health endpoint listening', { port: health.port });
  const worker = await startWorkerProcess({
    db,
    connection,
    producer,
    logger,
    prefix: config.keyPrefix,
    concurrency: config.concurrency,
    lockDurationMs: config.lockDurationMs,
    graph: createGraphClient({ observer: operations }),
    operations,
    secretBox: new SecretBox(config.encryptionKey),
    publicBaseUrl: config.publicBaseUrl,
    safetyNetSeconds: config.safetyNetSeconds,
    calendar: config.calendar,
    eventsWebhook: config.eventsWebhook,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping worker', { signal });
    health.markStopping();
    await worker.close();
    await health.close();
    await producer.close();
    connection.disconnect();
    await db.destroy();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`worker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
