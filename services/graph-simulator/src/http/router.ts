/**
 * A tiny path-template router. Templates look like `/v1.0/users/{id}/calendarView/delta`;
 * literal segments match case-insensitively (Graph paths are case-insensitive) and beat
 * parameters when two templates match. The matched template names the route in the counters.
 */
import type { Handler } from './types.js';

interface Route {
  method: string;
  template: string;
  segments: string[];
  literalCount: number;
  handler: Handler;
}

export interface RouteMatch {
  template: string;
  params: Record<string, string>;
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const segments = template.split('/').filter(Boolean);
    const literalCount = segments.filter((s) => !s.startsWith('{')).length;
    this.routes.push({ method: method.toUpperCase(), template, segments, literalCount, handler });
    return this;
  }

  /** Returns the best match, or `{ allowed }` listing methods when only the path matched. */
  match(method: string, path: string): RouteMatch | { allowed: string[] } | null {
    const parts = path.split('/').filter(Boolean).map(safeDecode);
    let best: { route: Route; params: Record<string, string> } | null = null;
    const allowed: string[] = [];
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method !== method.toUpperCase()) {
        allowed.push(route.method);
        continue;
      }
      if (!best || route.literalCount > best.route.literalCount) best = { route, params };
    }
    if (best) return { template: best.route.template, params: best.params, handler: best.route.handler };
    return allowed.length ? { allowed } : null;
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const part = parts[i]!;
    if (seg.startsWith('{')) params[seg.slice(1, -1)] = part;
    else if (seg.toLowerCase() !== part.toLowerCase()) return null;
  }
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
