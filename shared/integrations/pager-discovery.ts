/**
 * `pager` is not a Graph property: an on-premises AD pager reaches Graph only as the directory
 * extension Entra Connect makes of it, `extension_<appId>_pager` (graph-facts §3). This is the
 * one place that looks it up; listing extensions needs Directory.Read.All, which the standard app
 * lacks, so "not allowed to look" is an answer, not a failure.
 */
import { GraphForbiddenError, GraphNotFoundError, type GraphClient, type GraphConnection } from '../graph/index.js';

export type PagerDiscovery = { found: string } | { notFound: true } | { notAllowed: true };

const PAGER_EXTENSION = /^extension_[0-9a-f]{32}_pager$/i;

export function isPagerExtension(name: string): boolean {
  return PAGER_EXTENSION.test(name);
}

export async function discoverPager(
  graph: Pick<GraphClient, 'getAvailableExtensionProperties'>,
  conn: GraphConnection,
): Promise<PagerDiscovery> {
  let names: string[];
  try {
    names = await graph.getAvailableExtensionProperties(conn);
  } catch (err) {
    if (err instanceof GraphForbiddenError || err instanceof GraphNotFoundError) return { notAllowed: true };
    throw err;
  }
  const found = names.find(isPagerExtension);
  return found ? { found } : { notFound: true };
}
