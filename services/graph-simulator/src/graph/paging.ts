/** $top parsing and link building shared by list routes. */

export function parseTop(raw: string | null, dflt: number, max: number): number | { error: string } {
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    return { error: `Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.` };
  return n;
}

/** `origin + path` with the given query, `$skiptoken`-style parameters replaced; `$` kept literal like Graph. */
export function link(
  origin: string,
  path: string,
  query: URLSearchParams,
  set: Record<string, string>,
  drop: string[] = [],
): string {
  const q = new URLSearchParams(query);
  for (const d of drop) q.delete(d);
  for (const [k, v] of Object.entries(set)) q.set(k, v);
  const qs = q.toString().replace(/%24/g, '$').replace(/%2C/gi, ',');
  return `${origin}${path}${qs ? `?${qs}` : ''}`;
}

export const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
