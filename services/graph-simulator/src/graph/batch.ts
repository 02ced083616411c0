/**
 * POST /v1.0/$batch: at most 20 requests, each dispatched like a top-level call (its own faults,
 * so an inner 429 sits inside an outer 200). dependsOn runs the batch in order; a failed
 * dependency gives its dependents 424.
 */
import { graphError, parseJsonBody } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';

export type Dispatch = (req: SimRequest) => Promise<SimResponse>;

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

export function addBatchRoute(router: Router, dispatch: Dispatch): void {
  router.add('POST', '/v1.0/$batch', (req) => batch(req, dispatch));
}

async function batch(req: SimRequest, dispatch: Dispatch): Promise<SimResponse> {
  const body = parseJsonBody(req);
  const requests = body?.requests;
  if (!Array.isArray(requests)) return graphError(req, 400, 'BadRequest', 'Invalid batch payload format.');
  if (requests.length > 20)
    return graphError(
      req,
      400,
      'BadRequest',
      'Unable to deserialize content. Number of batch requests exceeds the limit of 20.',
    );
  const inner = requests as InnerRequest[];
  const ids = new Set<string>();
  for (const r of inner) {
    if (typeof r?.id !== 'string' || typeof r.url !== 'string' || typeof r.method !== 'string') {
      return graphError(req, 400, 'BadRequest', 'Each batch request needs id, method and url.');
    }
    if (ids.has(r.id)) return graphError(req, 400, 'BadRequest', `Batch request id '${r.id}' is duplicated.`);
    ids.add(r.id);
  }
  const sequential = inner.some((r) => r.dependsOn?.length);
  const results = new Map<string, SimResponse>();
  const run = async (r: InnerRequest): Promise<SimResponse> => {
    const failedDep = r.dependsOn?.find((d) => (results.get(d)?.status ?? 424) >= 400);
    if (failedDep)
      return graphError(req, 424, 'FailedDependency', `The request depends on request '${failedDep}', which failed.`);
    return dispatch(innerRequest(req, r));
  };
  if (sequential) {
    for (const r of inner) results.set(r.id, await run(r));
  } else {
    const out = await Promise.all(inner.map(run));
    inner.forEach((r, i) => results.set(r.id, out[i]!));
  }
  return {
    status: 200,
    body: {
      responses: inner.map((r) => {
        const res = results.get(r.id)!;
        return {
          id: r.id,
          status: res.status,
          headers: { 'Content-Type': 'application/json', ...(res.headers ?? {}) },
          ...(res.body !== undefined && res.body !== '' ? { body: res.body } : {}),
        };
      }),
    },
  };
}

function innerRequest(outer: SimRequest, r: InnerRequest): SimRequest {
  const rel = r.url.startsWith('/') ? r.url : `/${r.url}`;
  const u = new URL(`http://x/v1.0${rel}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (outer.headers.authorization) headers.authorization = outer.headers.authorization;
  return {
    method: r.method.toUpperCase(),
    path: u.pathname,
    query: u.searchParams,
    headers,
    rawBody: r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body),
    params: {},
    origin: outer.origin,
    requestId: `${outer.requestId}-${r.id}`,
  };
}
