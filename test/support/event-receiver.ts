/**
 * A webhook receiver for the events (a real HTTP server, as ONES's would be): it verifies each
 * delivery's signature against the raw body, and answers as the test sets it: 2xx, 500, or no
 * answer at all (a hang). It records every attempt and, in order, the events of each delivery it
 * acknowledged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '@ones-m365/shared/events';

export interface ReceivedEvent {
  id: string;
  type: string;
  integrationId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export type ReceiverMode = 'ok' | 'fail' | 'hang';

export interface Attempt {
  at: number;
  verified: boolean;
  status: number | null;
  events: ReceivedEvent[];
}

export interface EventReceiver {
  url: string;
  secret: string;
  /** How it answers next; a function decides per delivery. */
  mode: ReceiverMode | ((events: ReceivedEvent[]) => ReceiverMode);
  attempts: Attempt[];
  /** Events of acknowledged deliveries, in the order received (duplicates kept). */
  acknowledged: ReceivedEvent[];
  /** Each event id once, first acknowledgement first. */
  unique(integrationId?: string): ReceivedEvent[];
  close(): Promise<void>;
}

export async function startEventReceiver(secret = 'test-events-secret-0123456789abcdef'): Promise<EventReceiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: EventReceiver = {
    url: '',
    secret,
    mode: 'ok',
    attempts: [],
    acknowledged: [],
    unique(integrationId) {
      const seen = new Set<string>();
      return this.acknowledged.filter(
        (e) => (!integrationId || e.integrationId === integrationId) && !seen.has(e.id) && (seen.add(e.id), true),
      );
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['ones-m365-signature'];
      const verified = verifySignature(Array.isArray(header) ? header[0] : header, raw, secret).ok;
      const events = verified ? (JSON.parse(raw) as { events: ReceivedEvent[] }).events : [];
      const attempt: Attempt = { at: Date.now(), verified, status: null, events };
      receiver.attempts.push(attempt);
      const mode = typeof receiver.mode === 'function' ? receiver.mode(events) : receiver.mode;
      if (!verified) return void res.writeHead((attempt.status = 401)).end();
      if (mode === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (mode === 'fail') return void res.writeHead((attempt.status = 500)).end('receiver failure');
      receiver.acknowledged.push(...events);
      res.writeHead((attempt.status = 204)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ones/m365-events`;
  return receiver;
}
