/** The api process: the only place that builds its real clients. */
import { configOrExit, loadApiConfig } from '@ones-m365/shared/config';
import { SecretBox } from '@ones-m365/shared/crypto';
import { openDatabase } from '@ones-m365/shared/db';
import { createGraphClient } from '@ones-m365/shared/graph';
import { createLogger } from '@ones-m365/shared/logging';
import { createSignInClient } from '@ones-m365/shared/sso';
import { OperationsReader, OperationsRecorder, secretStatusWriter } from '@ones-m365/shared/operations';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { startApiProcess } from './api-process.js';
import { createMetrics } from './metrics.js';

async function main(): Promise<void> {
  const config = configOrExit(() => loadApiConfig(process.env));
  const logger = createLogger({ service: 'api', level: config.log.level, format: config.log.format });
  const db = await openDatabase(config.databaseUrl);
  const redis = createRedisConnection(config.redis, 'producer');
  // Subscriber mode (webhook cache invalidation); waits for Redis like a worker connection.
  const events = createRedisConnection(config.redis, 'worker');
  const producer = createProducer(redis, config.keyPrefix);
  const graph = createGraphClient({
    observer: new OperationsRecorder(redis, config.keyPrefix, { onSecretRejected: secretStatusWriter(db) }),
  });
  const secretBox = new SecretBox(config.encryptionKey);
  const api = await startApiProcess(
    {
      config,
      logger,
      db,
      redis,
      producer,
      metrics: createMetrics(producer, {
        db,
        redis,
        secretBox,
        reader: new OperationsReader(redis, config.keyPrefix),
      }),
      graph,
      signIn: createSignInClient(),
      secretBox,
      events,
    },
    config.port,
  );

  const stop = async (signal: string) => {
    logger.info('stopping api', { signal });
    await api.close();
    await producer.close();
    redis.disconnect();
    events.disconnect();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`api failed to start: ${(err as Error).message}`);
  process.exit(1);
});
