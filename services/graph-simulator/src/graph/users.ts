/** GET /users, GET /users/{id|upn}, POST /directoryObjects/getAvailableExtensionProperties. */
import type { SimContext } from '../context.js';
import { badRequest, graphError } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { Tenant } from '../tenant/tenant.js';
import { guarded, PERMS } from './auth.js';
import { parseFilter } from './filter.js';
import { link, parseTop } from './paging.js';
import { parseUserSelect, projectUser, userContext } from './user-json.js';

interface ListToken {
  k: 'ul';
  p: number;
}

export function addUserRoutes(router: Router, ctx: SimContext): void {
  router.add(
    'GET',
    '/v1.0/users',
    guarded(ctx, PERMS.usersRead, 'directory', (req, c) => listUsers(ctx, req, c.tenant)),
  );
  router.add(
    'GET',
    '/v1.0/users/{id}',
    guarded(ctx, PERMS.usersRead, 'directory', (req, c) => getUser(req, c.tenant)),
  );
  router.add(
    'POST',
    '/v1.0/directoryObjects/getAvailableExtensionProperties',
    guarded(ctx, PERMS.directoryRead, 'directory', (req, c) => extensionProperties(req, c.tenant)),
  );
}

function listUsers(ctx: SimContext, req: SimRequest, tenant: Tenant): SimResponse {
  if (req.query.has('$skip'))
    return graphError(req, 400, 'Request_BadRequest', "'$skip' is not supported by the service.");
  const top = parseTop(req.query.get('$top'), 100, 999);
  if (typeof top !== 'number') return graphError(req, 400, 'Request_BadRequest', top.error);
  const sel = parseUserSelect(req.query.get('$select'));
  if (sel && 'error' in sel) return graphError(req, 400, 'Request_BadRequest', sel.error);
  const filter = parseFilter(req.query.get('$filter'));
  if (filter && typeof filter !== 'function') return graphError(req, 400, 'Request_UnsupportedQuery', filter.error);
  const raw = req.query.get('$skiptoken');
  let pos = 0;
  if (raw !== null) {
    const t = ctx.codec.decode<ListToken>(raw);
    if (!t || t.k !== 'ul')
      return badRequest(req, 'The specified page token value has expired or is invalid.', 'Directory_ExpiredPageToken');
    pos = t.p;
  }
  const users = tenant.users;
  const value: Record<string, unknown>[] = [];
  const select = sel ? sel.props : null;
  let i = pos;
  for (; i < users.length && value.length < top; i++) {
    const u = users[i]!;
    if (u.state !== 'active' || (filter && !filter(u.props))) continue;
    value.push(projectUser(u, select));
  }
  // Only announce a next page if another match exists (Graph may also end with an empty page).
  let more = false;
  for (let j = i; j < users.length; j++) {
    const u = users[j]!;
    if (u.state === 'active' && (!filter || filter(u.props))) {
      more = true;
      break;
    }
  }
  const body: Record<string, unknown> = { '@odata.context': userContext(req.origin, select) };
  if (more)
    body['@odata.nextLink'] = link(req.origin, '/v1.0/users', req.query, {
      $skiptoken: ctx.codec.encode({ k: 'ul', p: i }),
    });
  body.value = value;
  return { status: 200, body };
}

function getUser(req: SimRequest, tenant: Tenant): SimResponse {
  const key = req.params.id ?? '';
  const sel = parseUserSelect(req.query.get('$select'));
  if (sel && 'error' in sel) return graphError(req, 400, 'Request_BadRequest', sel.error);
  const select = sel ? sel.props : null;
  const user = tenant.findUser(key);
  if (user && user.state === 'active') {
    return {
      status: 200,
      body: { '@odata.context': userContext(req.origin, select, '/$entity'), ...projectUser(user, select) },
    };
  }
  // Room mailboxes are users too (disabled accounts with a mailbox).
  const room = tenant.findRoom(key);
  if (room) {
    return {
      status: 200,
      body: {
        '@odata.context': userContext(req.origin, select, '/$entity'),
        id: room.id,
        displayName: room.displayName,
        mail: room.emailAddress,
        userPrincipalName: room.emailAddress,
        businessPhones: [],
        givenName: null,
        surname: null,
        jobTitle: null,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: null,
      },
    };
  }
  return graphError(
    req,
    404,
    'Request_ResourceNotFound',
    `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function extensionProperties(req: SimRequest, tenant: Tenant): SimResponse {
  const name = tenant.pagerExtension;
  return {
    status: 200,
    body: {
      '@odata.context': `${req.origin}/v1.0/$metadata#Collection(microsoft.graph.extensionProperty)`,
      value: [
        {
          id: tenant.extensionAppId.split('').reverse().join(''),
          deletedDateTime: null,
          appDisplayName: 'Tenant Schema Extension App',
          dataType: 'String',
          isMultiValued: false,
          isSyncedFromOnPremises: true,
          name,
          targetObjects: ['User'],
        },
      ],
    },
  };
}
