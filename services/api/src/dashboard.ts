import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import type { Producer } from '@ones-m365/shared/queue';

/** Bull Board over every queue, mounted at `basePath` (behind basic auth, see app.ts). */
export function dashboardRouter(producer: Producer, basePath: string): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: producer.queues().map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ones-m365' } },
  });
  return serverAdapter.getRouter() as Router;
}
