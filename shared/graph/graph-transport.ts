/**
 * The seam between our verbs (paging, mapping) and the HTTP stack that talks to Graph. The one
 * implementation is in msgraph-graph-client.ts (graph-client middleware); verbs only see this.
 */
import { nativeGraphOrigin, type ResolvedCloud } from './clouds.js';
import { GraphRequestError } from './graph-error-types.js';
import type { GraphConnection } from './graph-types.js';

export const GRAPH_VERSION = 'v1.0';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface GraphHttpRequest {
  method: HttpMethod;
  /** A path under the versioned base ("/users/delta"), or an absolute link Graph handed out. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface GraphHttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty body. */
  body: unknown;
}

export interface GraphTransport {
  /** Sends one request; any non-2xx answer or failure rejects with a GraphFailure. */
  send(conn: GraphConnection, request: GraphHttpRequest): Promise<GraphHttpResponse>;
}

export function isAbsoluteLink(path: string): boolean {
  return /^https:\/\//i.test(path);
}

/**
 * A link (nextLink/deltaLink) is followed verbatim when it points at our Graph base. Behind a
 * proxy or simulator, a link that names the cloud's own Graph host is moved onto the configured
 * base (same path and query). A link to any other host is refused: it would leave our endpoints.
 */
export function rebaseLink(link: string, resolved: ResolvedCloud): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new GraphRequestError('Graph handed out a link that is not a URL');
  }
  const base = new URL(resolved.graphBaseUrl);
  if (url.origin === base.origin) return link;
  if (resolved.custom && url.origin === nativeGraphOrigin(resolved.cloud)) {
    const prefix = base.pathname.replace(/\/+$/, '');
    return `${base.origin}${prefix}${url.pathname}${url.search}`;
  }
  throw new GraphRequestError(`Refusing to follow a link to another host (${url.host})`);
}

/** `path?query`, values percent-encoded (commas and `$` kept readable). */
export function withQuery(path: string, query: GraphHttpRequest['query']): string {
  if (!query) return path;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${key}=${encodeURIComponent(String(value)).replace(/%2C/gi, ',').replace(/%24/g, '$')}`);
  }
  if (parts.length === 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${parts.join('&')}`;
}

/** For error messages: method and path, never the query (it may carry delta/skip tokens). */
export function describeOperation(method: HttpMethod, path: string): string {
  if (!isAbsoluteLink(path)) return `${method} ${path.split('?')[0] ?? path}`;
  try {
    return `${method} ${new URL(path).pathname}`;
  } catch {
    return method;
  }
}

const DOT_SEGMENTS = new Set(['', '.', '..']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Path segment for an id or an email address, percent-encoded. An empty or dot segment is
 * refused: URL parsing would resolve it and send the request to another Graph path.
 */
export function seg(value: string): string {
  if (DOT_SEGMENTS.has(value)) throw new GraphRequestError(`Refusing "${value}" as a segment of a Graph path`);
  return encodeURIComponent(value);
}

/** Path segment for a directory object (group, user): Graph's ids for those are GUIDs. */
export function guidSeg(value: string, what: string): string {
  if (!GUID.test(value)) throw new GraphRequestError(`A ${what} id must be a GUID`);
  return seg(value);
}
