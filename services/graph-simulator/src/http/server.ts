/** The HTTPS listener: turns node requests into SimRequests and SimResponses back into bytes. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { randomUUID } from 'node:crypto';
import type { SimRequest, SimResponse } from './types.js';

const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const MAX_BODY = 10 * 1024 * 1024;

export type RequestSink = (req: SimRequest) => Promise<SimResponse>;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(
  res: ServerResponse,
  sim: SimResponse,
  graph: boolean,
  requestId: string,
  clientRequestId: string | undefined,
): void {
  const headers: Record<string, string> = { ...(sim.headers ?? {}) };
  if (graph) {
    headers['request-id'] = requestId;
    headers['client-request-id'] = clientRequestId ?? requestId;
    headers['x-ms-ags-diagnostic'] = JSON.stringify({
      ServerInfo: {
        DataCenter: 'Simulator',
        Slice: 'E',
        Ring: '0',
        ScaleUnit: '000',
        RoleInstance: 'SIM',
        ADSiteName: 'SIM',
      },
    });
    headers['strict-transport-security'] = 'max-age=31536000';
  }
  let payload = '';
  if (typeof sim.body === 'string') payload = sim.body;
  else if (sim.body !== undefined) {
    payload = JSON.stringify(sim.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = graph ? GRAPH_JSON : 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(sim.status, headers);
  res.end(payload);
}

export function createHttpsServer(tls: { key: string; cert: string }, sink: RequestSink): Server {
  return createServer({ key: tls.key, cert: tls.cert, keepAliveTimeout: 30_000 }, (req, res) => {
    void (async () => {
      const requestId = randomUUID();
      const url = new URL(req.url ?? '/', 'https://sim');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      let rawBody: string;
      try {
        rawBody = await readBody(req);
      } catch {
        res.writeHead(413).end();
        return;
      }
      const sim: SimRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers,
        rawBody,
        params: {},
        origin: `https://${headers.host ?? 'localhost'}`,
        requestId,
      };
      let out: SimResponse;
      try {
        out = await sink(sim);
      } catch (err) {
        out = { status: 500, body: { error: { code: 'InternalServerError', message: (err as Error).message } } };
      }
      if (out.hang) return; // never answered; closeAllConnections() releases it on close
      write(res, out, /^\/v1\.0(\/|$)/i.test(url.pathname), requestId, headers['client-request-id']);
    })();
  });
}
