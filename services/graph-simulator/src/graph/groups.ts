/** /groups, /groups/{id}, /groups/{id}/members and /transitiveMembers (with OData casts), paged by skiptoken. */
import type { SimContext } from '../context.js';
import { badRequest, graphError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { GroupRecord } from '../tenant/model.js';
import type { Tenant } from '../tenant/tenant.js';
import { guarded, PERMS } from './auth.js';
import { link, parseTop } from './paging.js';
import { parseUserSelect, projectUser } from './user-json.js';

interface PageToken {
  k: 'gp';
  p: number;
}
type Cast = 'user' | 'group' | null;

export function groupJson(g: GroupRecord): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.group',
    id: g.id,
    displayName: g.displayName,
    description: g.description ?? null,
    mail: g.mail ?? null,
    mailNickname: g.mailNickname,
    mailEnabled: g.mailEnabled,
    securityEnabled: g.securityEnabled,
    groupTypes: g.groupTypes,
    createdDateTime: g.createdDateTime,
    deletedDateTime: null,
    visibility: null,
  };
}

export function addGroupRoutes(router: Router, ctx: SimContext): void {
  const g = (h: (req: SimRequest, t: Tenant) => SimResponse) =>
    guarded(ctx, PERMS.groupsRead, 'directory', (req, c) => h(req, c.tenant));
  router.add(
    'GET',
    '/v1.0/groups',
    g((req, t) => paged(ctx, req, t.groups, (x) => groupJson(x), 'groups')),
  );
  router.add(
    'GET',
    '/v1.0/groups/{id}',
    g((req, t) => {
      const group = t.groupsById.get(req.params.id ?? '');
      return group
        ? {
            status: 200,
            body: { '@odata.context': `${req.origin}/v1.0/$metadata#groups/$entity`, ...groupJson(group) },
          }
        : missing(req);
    }),
  );
  for (const rel of ['members', 'transitiveMembers'] as const) {
    for (const cast of [null, 'user', 'group'] as const) {
      const path = `/v1.0/groups/{id}/${rel}${cast ? `/microsoft.graph.${cast}` : ''}`;
      router.add(
        'GET',
        path,
        g((req, t) => members(ctx, req, t, rel === 'transitiveMembers', cast)),
      );
    }
  }
}

function missing(req: SimRequest): SimResponse {
  return graphError(
    req,
    404,
    'Request_ResourceNotFound',
    `Resource '${req.params.id ?? ''}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function memberIds(t: Tenant, group: GroupRecord, transitive: boolean): string[] {
  if (!transitive) return group.memberIds;
  const seen = new Set<string>([group.id]);
  const out: string[] = [];
  const stack = [...group.memberIds];
  while (stack.length) {
    const id = stack.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    const nested = t.groupsById.get(id);
    if (nested) stack.push(...nested.memberIds);
  }
  return out;
}

function members(ctx: SimContext, req: SimRequest, t: Tenant, transitive: boolean, cast: Cast): SimResponse {
  const group = t.groupsById.get(req.params.id ?? '');
  if (!group) return missing(req);
  const sel = parseUserSelect(req.query.get('$select'));
  if (sel && 'error' in sel) return graphError(req, 400, 'Request_BadRequest', sel.error);
  const objects: Record<string, unknown>[] = [];
  for (const id of memberIds(t, group, transitive)) {
    const u = t.usersById.get(id);
    if (u && u.state === 'active' && cast !== 'group')
      objects.push({ '@odata.type': '#microsoft.graph.user', ...projectUser(u, sel ? sel.props : null) });
    const gg = t.groupsById.get(id);
    if (gg && cast !== 'user') objects.push(groupJson(gg));
  }
  return paged(ctx, req, objects, (x) => x, `directoryObjects`);
}

function paged<T>(
  ctx: SimContext,
  req: SimRequest,
  items: T[],
  json: (x: T) => unknown,
  contextPath: string,
): SimResponse {
  const top = parseTop(req.query.get('$top'), 100, 999);
  if (typeof top !== 'number') return graphError(req, 400, 'Request_BadRequest', top.error);
  let pos = 0;
  const raw = req.query.get('$skiptoken');
  if (raw !== null) {
    const tok = ctx.codec.decode<PageToken>(raw);
    if (!tok || tok.k !== 'gp')
      return badRequest(req, 'The specified page token value has expired or is invalid.', 'Directory_ExpiredPageToken');
    pos = tok.p;
  }
  const body: Record<string, unknown> = { '@odata.context': `${req.origin}/v1.0/$metadata#${contextPath}` };
  if (pos + top < items.length)
    body['@odata.nextLink'] = link(req.origin, req.path, req.query, {
      $skiptoken: ctx.codec.encode({ k: 'gp', p: pos + top }),
    });
  body.value = items.slice(pos, pos + top).map(json);
  return { status: 200, body };
}
