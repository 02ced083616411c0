/** A loopback TCP proxy that a test can cut and restore (Redis "down" without touching Redis). */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class TcpProxy {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private down = false;
  private stalled = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      if (this.down) return void client.destroy();
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      // Bytes are dropped while stalled: connections stay open, nothing answers.
      client.on('data', (d) => void (this.stalled || upstream.write(d)));
      upstream.on('data', (d) => void (this.stalled || client.write(d)));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Cuts every connection and refuses new ones. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }

  /** Keeps every connection open but lets nothing through: a Redis that hangs instead of refusing. */
  stall(): void {
    this.stalled = true;
  }

  restore(): void {
    // A stalled stream lost bytes: its connections are cut so clients reconnect cleanly.
    if (this.stalled) for (const s of this.sockets) s.destroy();
    this.down = false;
    this.stalled = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
