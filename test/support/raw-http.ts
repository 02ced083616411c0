/**
 * HTTP/1.1 requests exactly as a hostile client writes them: raw header pairs (repeats kept, no
 * defaults added), any path bytes, any body. fetch would normalise most of that away.
 */
import { request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent verbatim, percent-escapes and all. */
  path: string;
  headers?: [string, string][];
  body?: Buffer | string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers = [...(req.headers ?? [])];
  const named = (name: string) => headers.some(([k]) => k.toLowerCase() === name);
  // With raw header pairs Node adds nothing itself, not even the Host HTTP/1.1 requires.
  if (!named('host')) headers.unshift(['host', base.host]);
  if (body && !named('content-length') && !named('transfer-encoding'))
    headers.push(['content-length', String(body.length)]);
  return new Promise((resolve, reject) => {
    const r = request({
      host: base.hostname,
      port: base.port,
      method: req.method,
      path: req.path,
      headers: headers.flat(),
      agent: false,
    });
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });
}
