/**
 * A deliberately small OData $filter: `prop eq value`, `startswith(prop,'x')`, joined by `and`.
 * Anything else is answered like Graph answers an unsupported query.
 */
export type Predicate = (props: Record<string, unknown>) => boolean;

const CLAUSE_EQ = /^\s*([\w.]+)\s+eq\s+('(?:[^']|'')*'|true|false|null|-?\d+(?:\.\d+)?)\s*$/i;
const CLAUSE_SW = /^\s*startswith\(\s*([\w.]+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$/i;

function literal(v: string): unknown {
  if (v.startsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  return Number(v);
}

export function parseFilter(raw: string | null): Predicate | { error: string } | null {
  if (!raw || !raw.trim()) return null;
  const preds: Predicate[] = [];
  for (const clause of raw.split(/\s+and\s+/i)) {
    const eq = CLAUSE_EQ.exec(clause);
    if (eq) {
      const prop = eq[1]!;
      const want = literal(eq[2]!);
      preds.push((p) => {
        const v = p[prop] ?? null;
        return typeof v === 'string' && typeof want === 'string' ? v.toLowerCase() === want.toLowerCase() : v === want;
      });
      continue;
    }
    const sw = CLAUSE_SW.exec(clause);
    if (sw) {
      const prop = sw[1]!;
      const prefix = sw[2]!.replace(/''/g, "'").toLowerCase();
      preds.push((p) => typeof p[prop] === 'string' && p[prop].toLowerCase().startsWith(prefix));
      continue;
    }
    return {
      error: `Unsupported or invalid query filter clause specified for property '${clause.trim()}' of resource 'User'.`,
    };
  }
  return (p) => preds.every((f) => f(p));
}
