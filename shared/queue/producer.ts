import { Queue, type JobsOptions } from 'bullmq';
import { assertKeyPrefix } from '../config/index.js';
import type { RedisClient } from './redis-connection.js';
import { JOB_QUEUE, type JobName, type JobPayloads } from './job-payloads.js';
import { optionsFor } from './job-options.js';
import { ALL_QUEUES, type QueueName } from './queue-names.js';

export interface Producer {
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts?: JobsOptions): Promise<{ id: string }>;
  queue(name: QueueName): Queue;
  queues(): Queue[];
  close(): Promise<void>;
}

/** Typed producer over one Queue per queue name, all under `prefix` (the hash-tagged key prefix). */
export function createProducer(connection: RedisClient, prefix: string): Producer {
  assertKeyPrefix(prefix);
  const queues = new Map<QueueName, Queue>(
    ALL_QUEUES.map((name) => {
      const q = new Queue(name, { connection, prefix });
      // Connection errors surface where they matter (a failed enqueue → 503, /readyz); an
      // 'error' event without a listener would only print them.
      q.on('error', () => undefined);
      return [name, q];
    }),
  );
  const get = (q: QueueName): Queue => {
    const queue = queues.get(q);
    if (!queue) throw new Error(`Unknown queue ${q}`);
    return queue;
  };
  return {
    async enqueue(name, payload, opts) {
      const job = await get(JOB_QUEUE[name]).add(name, payload, optionsFor(name, opts));
      return { id: String(job.id) };
    },
    queue: get,
    queues: () => [...queues.values()],
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

/** Finds a job by id across every queue (ids are unique per queue; the first match wins). */
export async function findJob(producer: Producer, id: string) {
  for (const q of producer.queues()) {
    const job = await q.getJob(id);
    if (job) return job;
  }
  return undefined;
}
