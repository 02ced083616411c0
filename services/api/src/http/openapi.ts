/** The OpenAPI 3.1 document, generated from the same route declarations that validate requests. */
import { z } from 'zod';
import type { AnyRoute } from './route.js';

interface Mounted {
  prefix: string;
  routes: AnyRoute[];
  security: 'bearer' | 'none';
}

function schemaOf(s: z.ZodType, io: 'input' | 'output' = 'input'): unknown {
  try {
    return z.toJSONSchema(s, { io, unrepresentable: 'any' });
  } catch {
    return {};
  }
}

function parameters(route: AnyRoute): unknown[] {
  const out: unknown[] = [];
  const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  for (const name of pathParams) out.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  if (route.query) {
    const js = schemaOf(route.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, schema] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
    }
  }
  return out;
}

function responseOf(route: AnyRoute, status: number, description: string): unknown {
  if (route.responseType)
    return status >= 300 && status < 400
      ? { description }
      : { description, content: { [route.responseType]: { schema: { type: 'string' } } } };
  return status >= 400
    ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
    : { description };
}

export function buildOpenApi(mounted: Mounted[], info: { title: string; version: string }): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const m of mounted) {
    for (const route of m.routes) {
      const path = (m.prefix + route.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][route.method] = {
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: [route.tag],
        ...(m.security === 'bearer' ? { security: [{ bearerAuth: [] }] } : { security: [] }),
        parameters: parameters(route),
        ...(route.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body) } } } }
          : {}),
        responses: Object.fromEntries(
          Object.entries(route.responses).map(([status, description]) => [
            status,
            responseOf(route, Number(status), description),
          ]),
        ),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
  };
}
