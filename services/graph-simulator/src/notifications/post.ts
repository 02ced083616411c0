/** Outgoing HTTP(S) POSTs to subscribers (notifications and validation), with a hard timeout. */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostResult {
  status: number | null;
  body: string;
  contentType: string;
  error?: string;
  durationMs: number;
}

export class Poster {
  private readonly inflight = new Set<ClientRequest>();

  post(url: string, body: string, contentType: string, timeoutMs: number): Promise<PostResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: Omit<PostResult, 'durationMs'>): void => {
        if (done) return;
        done = true;
        this.inflight.delete(req);
        clearTimeout(timer);
        resolve({ ...r, durationMs: Date.now() - started });
      };
      const u = new URL(url);
      const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        u,
        {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Microsoft-Graph-Simulator/1.0',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            finish({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              contentType: String(res.headers['content-type'] ?? ''),
            }),
          );
          res.on('error', (e) => finish({ status: null, body: '', contentType: '', error: e.message }));
        },
      );
      this.inflight.add(req);
      const timer = setTimeout(() => {
        finish({ status: null, body: '', contentType: '', error: `timed out after ${timeoutMs} ms` });
        req.destroy();
      }, timeoutMs);
      req.on('error', (e) => finish({ status: null, body: '', contentType: '', error: e.message }));
      req.end(body);
    });
  }

  close(): void {
    for (const r of this.inflight) r.destroy();
    this.inflight.clear();
  }
}
