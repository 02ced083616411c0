/**
 * A local webhook receiver for simulator tests: answers Graph's validation handshake (or misbehaves
 * on purpose) and records every notification POST.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HandshakeMode = 'echo' | 'wrong' | 'html' | 'silent' | 'encoded';

export interface ReceivedPost {
  path: string;
  query: URLSearchParams;
  body: unknown;
  at: number;
}

export class WebhookReceiver {
  readonly posts: ReceivedPost[] = [];
  handshake: HandshakeMode = 'echo';
  /** Statuses to answer notification POSTs with, consumed in order; then `defaultStatus`. */
  statuses: number[] = [];
  defaultStatus = 202;
  /** Delay before answering notifications (ms). */
  delayMs = 0;
  validations = 0;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      this.validations++;
      if (this.handshake === 'silent') return; // never answers
      const body =
        this.handshake === 'wrong' ? 'nope' : this.handshake === 'encoded' ? encodeURIComponent(token) : token;
      res.writeHead(200, { 'content-type': this.handshake === 'html' ? 'text/html' : 'text/plain' }).end(body);
      return;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    this.posts.push({
      path: url.pathname,
      query: url.searchParams,
      body: text ? JSON.parse(text) : null,
      at: Date.now(),
    });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    res.writeHead(this.statuses.shift() ?? this.defaultStatus).end();
  }

  /** All notification items received on `path`. */
  items(path = '/notify'): Record<string, unknown>[] {
    return this.posts
      .filter((p) => p.path === path)
      .flatMap((p) => (p.body as { value?: Record<string, unknown>[] })?.value ?? []);
  }

  async waitFor(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error('timed out waiting for webhook condition');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
