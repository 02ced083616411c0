/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those whose names contain an argument, e.g.
 * `npm run bench sync`) one after the other, each default-exporting `run(): Promise<BenchRow[]>`,
 * and prints one table.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchRow {
  bench: string;
  metric: string;
  value: string;
  /** The quality bar, when the row measures one (design.md). */
  goal?: string;
  ok?: boolean;
}

export function printTable(rows: BenchRow[]): void {
  const cols = ['bench', 'metric', 'value', 'goal', 'ok'] as const;
  const cell = (r: BenchRow, c: (typeof cols)[number]) =>
    c === 'ok' ? (r.ok === undefined ? '' : r.ok ? 'yes' : 'NO') : String(r[c] ?? '');
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  console.log(line([...cols]));
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(cols.map((c) => cell(r, c))));
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (wanted.length === 0 || wanted.some((w) => f.includes(w))))
  .sort();
const rows: BenchRow[] = [];
for (const f of files) {
  const started = Date.now();
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<BenchRow[]> };
  rows.push(...(await mod.default()));
  console.error(`${f}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
printTable(rows);
process.exit(0);
