/**
 * Composition of an api process from already-built clients (shared by `main.ts` and the
 * all-in-one launcher): the app, its HTTP server, and an orderly stop.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from './app.js';

export interface RunningApi {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startApiProcess(deps: AppDeps, port: number, host = '0.0.0.0'): Promise<RunningApi> {
  const app = createApp(deps);
  const server = createServer(app);
  // Graph's webhook budget is 3 s; nothing legitimate takes a minute.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  deps.logger.info('api listening', { port: actual });
  return {
    server,
    port: actual,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // Notifications answered 202 from the coalescing memo are owed a delta request: send it now.
      await app.flushWebhooks();
    },
  };
}
