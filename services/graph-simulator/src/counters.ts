/** Counts every request served, per method + route template + status, so tests can assert Graph economy. */

export interface CounterRow {
  method: string;
  route: string;
  status: number;
  count: number;
}

export class Counters {
  private readonly counts = new Map<string, CounterRow>();

  add(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    const row = this.counts.get(key);
    if (row) row.count++;
    else this.counts.set(key, { method, route, status, count: 1 });
  }

  rows(): CounterRow[] {
    return [...this.counts.values()]
      .map((r) => ({ ...r }))
      .sort((a, b) => a.route.localeCompare(b.route) || a.status - b.status);
  }

  /** Sum of counts whose route contains `route` (and, when given, whose method/status match). */
  total(filter: { route?: string; method?: string; status?: number } = {}): number {
    let n = 0;
    for (const r of this.counts.values()) {
      if (filter.route && !r.route.toLowerCase().includes(filter.route.toLowerCase())) continue;
      if (filter.method && r.method !== filter.method.toUpperCase()) continue;
      if (filter.status !== undefined && r.status !== filter.status) continue;
      n += r.count;
    }
    return n;
  }

  reset(): void {
    this.counts.clear();
  }
}
