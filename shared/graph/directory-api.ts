/** Users, users delta, extension properties and groups. */
import { GraphRequestError } from './graph-error-types.js';
import type { GraphConnection, GraphGroup, GroupsPage, PageCursor, UsersDeltaPage, UsersPage } from './graph-types.js';
import { guidSeg, type GraphTransport } from './graph-transport.js';
import { mapGroup, mapUser, selectList } from './map-directory.js';
import { str, strings } from './map-util.js';
import { readPage, splitDelta } from './paging.js';

const DIRECTORY_TOP = 999;
const GROUP_SELECT = ['displayName', 'description', 'mail', 'mailEnabled', 'securityEnabled', 'groupTypes'];
/** Safety stop for walks that should end after a page or two (`$deltatoken=latest`). */
const MAX_LATEST_PAGES = 100;

export async function listUsersPage(
  t: GraphTransport,
  conn: GraphConnection,
  options: { select: readonly string[]; cursor?: PageCursor; top?: number },
): Promise<UsersPage> {
  const res = await t.send(conn, {
    method: 'GET',
    path: options.cursor ?? '/users',
    query: options.cursor ? undefined : { $top: options.top ?? DIRECTORY_TOP, $select: selectList(options.select) },
  });
  const page = readPage(res.body, 'GET /users');
  const users = page.value.map(mapUser).filter((u) => u !== null);
  return page.nextLink ? { users, nextCursor: page.nextLink } : { users };
}

export async function usersDelta(
  t: GraphTransport,
  conn: GraphConnection,
  options: { select: readonly string[]; link?: string },
): Promise<UsersDeltaPage> {
  // $select only on the first request: Graph encodes it into the links (graph-facts §3).
  const res = await t.send(conn, {
    method: 'GET',
    path: options.link ?? '/users/delta',
    query: options.link ? undefined : { $select: selectList(options.select) },
  });
  const page = readPage(res.body, 'GET /users/delta');
  // A user can appear more than once in a page (a removal then a restore, replays): the later
  // entry is its state, so only the last entry per id is kept.
  const last = new Map<unknown, Record<string, unknown>>();
  for (const item of page.value) {
    last.delete(item.id);
    last.set(item.id, item);
  }
  const { items, removed } = splitDelta([...last.values()], mapUser);
  return {
    users: items,
    removed,
    ...(page.nextLink ? { nextLink: page.nextLink } : {}),
    ...(page.deltaLink ? { deltaLink: page.deltaLink } : {}),
  };
}

export async function usersDeltaLatest(
  t: GraphTransport,
  conn: GraphConnection,
  select: readonly string[],
): Promise<string> {
  let link: string | undefined;
  for (let i = 0; i < MAX_LATEST_PAGES; i++) {
    const res = await t.send(conn, {
      method: 'GET',
      path: link ?? '/users/delta',
      query: link ? undefined : { $select: selectList(select), $deltatoken: 'latest' },
    });
    const page = readPage(res.body, 'GET /users/delta');
    if (page.deltaLink) return page.deltaLink;
    if (!page.nextLink) break;
    link = page.nextLink;
  }
  throw new GraphRequestError('Microsoft Graph gave no deltaLink for $deltatoken=latest');
}

export async function getAvailableExtensionProperties(t: GraphTransport, conn: GraphConnection): Promise<string[]> {
  const res = await t.send(conn, {
    method: 'POST',
    path: '/directoryObjects/getAvailableExtensionProperties',
    body: {},
  });
  const page = readPage(res.body, 'POST /directoryObjects/getAvailableExtensionProperties');
  const names: string[] = [];
  for (const p of page.value) {
    const name = str(p.name);
    const targets = strings(p.targetObjects);
    if (name && (targets.length === 0 || targets.some((o) => o.toLowerCase() === 'user'))) names.push(name);
  }
  return names;
}

export async function listGroupsPage(
  t: GraphTransport,
  conn: GraphConnection,
  options: { select?: readonly string[]; cursor?: PageCursor; top?: number } = {},
): Promise<GroupsPage> {
  const res = await t.send(conn, {
    method: 'GET',
    path: options.cursor ?? '/groups',
    query: options.cursor
      ? undefined
      : { $top: options.top ?? DIRECTORY_TOP, $select: selectList(options.select ?? GROUP_SELECT) },
  });
  const page = readPage(res.body, 'GET /groups');
  const groups = page.value.map(mapGroup).filter((g) => g !== null);
  return page.nextLink ? { groups, nextCursor: page.nextLink } : { groups };
}

export async function getGroup(t: GraphTransport, conn: GraphConnection, groupId: string): Promise<GraphGroup> {
  const res = await t.send(conn, {
    method: 'GET',
    path: `/groups/${guidSeg(groupId, 'group')}`,
    query: { $select: selectList(GROUP_SELECT) },
  });
  const group = res.body && typeof res.body === 'object' ? mapGroup(res.body as Record<string, unknown>) : null;
  if (!group) throw new GraphRequestError('Microsoft Graph sent no group');
  return group;
}

export async function* transitiveMemberUserIds(
  t: GraphTransport,
  conn: GraphConnection,
  groupId: string,
): AsyncGenerator<string[]> {
  let link: string | undefined;
  do {
    const res = await t.send(conn, {
      method: 'GET',
      path: link ?? `/groups/${guidSeg(groupId, 'group')}/transitiveMembers/microsoft.graph.user`,
      query: link ? undefined : { $select: 'id', $top: DIRECTORY_TOP },
    });
    const page = readPage(res.body, 'GET /groups/{id}/transitiveMembers');
    const ids = page.value.map((m) => str(m.id)).filter((id): id is string => id !== null);
    if (ids.length > 0) yield ids;
    link = page.nextLink;
  } while (link);
}
