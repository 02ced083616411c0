/**
 * Optional user scope: only transitive members of the chosen Entra groups are active. The member
 * set is read once per run, and only when a page has users to map (a delta run with nothing new
 * costs nothing). Its size is that of the scope, not of the tenant.
 */
import type { GraphClient, GraphConnection } from '@ones-m365/shared/graph';

export type ScopeLoader = () => Promise<ReadonlySet<string> | null>;

export function scopeLoader(
  graph: Pick<GraphClient, 'transitiveMemberUserIds'>,
  conn: GraphConnection,
  groupIds: readonly string[] | undefined,
): ScopeLoader {
  if (!groupIds || groupIds.length === 0) return () => Promise.resolve(null);
  let loaded: Promise<ReadonlySet<string>> | null = null;
  return () =>
    (loaded ??= (async () => {
      const members = new Set<string>();
      for (const groupId of groupIds) {
        for await (const ids of graph.transitiveMemberUserIds(conn, groupId)) for (const id of ids) members.add(id);
      }
      return members;
    })());
}
