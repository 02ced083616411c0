/**
 * The worker process: the only place that builds its real clients. SIGTERM/SIGINT stop taking
 * jobs, let the active ones finish, then close connections: nothing is lost.
 */
import { loadWorkerConfig, ConfigError } from '@ones-m365/shared/config';
import { openDatabase } from '@ones-m365/shared/db';
import { createLogger } from '@ones-m365/shared/logging';
import { createProducer, createRedisConnection } from '@ones-m365/shared/queue';
import { startWorkerProcess } from './worker-process.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger({ service: 'worker', level: config.log.level, format: config.log.format });
  const db = await openDatabase(config.databaseUrl);
  const connection = createRedisConnection(config.redisUrl, 'worker');
  const producer = createProducer(createRedisConnection(config.redisUrl, 'producer'), config.queuePrefix);
  const worker = await startWorkerProcess({ db, connection, producer, prefix: config.queuePrefix, concurrency: config.concurrency, logger });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping worker', { signal });
    await worker.close();
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
