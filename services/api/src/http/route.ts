/**
 * Routes are declared once, with zod schemas for params, query and body. The same declaration
 * validates the request (400 naming each bad field) and feeds the OpenAPI document.
 */
import type { Request, Response, Router } from 'express';
import { type z } from 'zod';
import { ValidationError, type FieldIssue } from '@ones-m365/shared/errors';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Express path, relative to the router's mount point (e.g. `/integrations/:id`). */
  path: string;
  summary: string;
  /** Longer text for the OpenAPI document: rules a caller must know beyond the schemas. */
  description?: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Status → description, for the OpenAPI document. */
  responses: Record<number, string>;
  /** What the route answers when it is not JSON (the sign-in pages). */
  responseType?: 'text/html';
  handler: (input: { params: P; query: Q; body: B; req: Request }, res: Response) => Promise<unknown> | unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

export function defineRoute<P = Record<string, string>, Q = unknown, B = unknown>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec<P, Q, B> {
  return spec;
}

function issuesOf(part: string, error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    field: [part, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

function parsePart<T>(part: string, schema: z.ZodType<T> | undefined, value: unknown, issues: FieldIssue[]): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (r.success) return r.data;
  issues.push(...issuesOf(part, r.error));
  return undefined as T;
}

/** Mounts routes on a router: validation first, then the handler; errors go to the error handler. */
export function mountRoutes(router: Router, routes: AnyRoute[]): void {
  for (const route of routes) {
    router[route.method](route.path, async (req: Request, res: Response) => {
      // AnyRoute erases each route's own types; its zod schemas are what make these values typed.
      /* eslint-disable @typescript-eslint/no-unsafe-assignment */
      const issues: FieldIssue[] = [];
      const params = parsePart('params', route.params, req.params, issues);
      const query = parsePart('query', route.query, req.query, issues);
      const body = parsePart('body', route.body, req.body, issues);
      if (issues.length)
        throw new ValidationError(`Invalid request: ${[...new Set(issues.map((i) => i.field))].join(', ')}`, issues);
      const result = await route.handler({ params, query, body, req }, res);
      /* eslint-enable @typescript-eslint/no-unsafe-assignment */
      if (!res.headersSent) {
        if (result === undefined) res.status(204).end();
        else res.json(result);
      }
    });
  }
}
