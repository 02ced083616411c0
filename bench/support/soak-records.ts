/**
 * What the soak benchmark checks in what its processes recorded: the holds of the sync streams'
 * leases (from the workers' `stream lease acquired` / `stream lease released` debug lines), RSS
 * samples, latencies. Pure functions, so the checks themselves are tested (test/unit/bench).
 */

export interface LeaseEvent {
  process: string;
  kind: 'acquired' | 'released';
  integrationId: string;
  stream: string;
  jobId: string;
  at: number;
  leaseLost?: boolean;
  ended?: string;
}

/** The lease events in a worker's JSON log output. */
export function parseLeaseEvents(output: string, process: string): LeaseEvent[] {
  const events: LeaseEvent[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"stream lease ')) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const kind =
      o.message === 'stream lease acquired' ? 'acquired' : o.message === 'stream lease released' ? 'released' : null;
    if (!kind) continue;
    events.push({
      process,
      kind,
      integrationId: String(o.integrationId),
      stream: String(o.stream),
      jobId: String(o.jobId),
      at: Number(o.at),
      ...(kind === 'released' ? { leaseLost: o.leaseLost === true, ended: String(o.ended) } : {}),
    });
  }
  return events;
}

export interface Hold {
  process: string;
  integrationId: string;
  stream: string;
  jobId: string;
  from: number;
  to: number;
  /** How the hold ended: its `ended` outcome, or `killed` (the process died holding it). */
  ended: string;
  leaseLost: boolean;
}

/**
 * Pairs each acquisition with the release that followed it in the same process. A hold still
 * open in a process that was killed ends at the kill; one still open otherwise is `unfinished`.
 */
export function holdsOf(
  events: LeaseEvent[],
  killedAt: Record<string, number>,
): { holds: Hold[]; unfinished: LeaseEvent[] } {
  const open = new Map<string, LeaseEvent>();
  const holds: Hold[] = [];
  const key = (e: LeaseEvent) => `${e.process}|${e.integrationId}|${e.stream}|${e.jobId}`;
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.kind === 'acquired') open.set(key(e), e);
    else {
      const a = open.get(key(e));
      if (!a) continue;
      open.delete(key(e));
      holds.push({ ...base(a), to: e.at, ended: e.ended ?? 'unknown', leaseLost: e.leaseLost ?? false });
    }
  }
  const unfinished: LeaseEvent[] = [];
  for (const a of open.values()) {
    const kill = killedAt[a.process];
    if (kill !== undefined) holds.push({ ...base(a), to: kill, ended: 'killed', leaseLost: false });
    else unfinished.push(a);
  }
  return { holds, unfinished };
}

function base(a: LeaseEvent) {
  return { process: a.process, integrationId: a.integrationId, stream: a.stream, jobId: a.jobId, from: a.at };
}

export interface Overlap {
  stream: string;
  integrationId: string;
  first: Hold;
  second: Hold;
  /** The first holder had lost its lease and stopped at its next write (it noticed). */
  noticed: boolean;
}

/** Two holds of one stream that were open at the same time. */
export function overlaps(holds: Hold[]): Overlap[] {
  const byStream = new Map<string, Hold[]>();
  for (const h of holds) {
    const k = `${h.integrationId}|${h.stream}`;
    byStream.set(k, [...(byStream.get(k) ?? []), h]);
  }
  const found: Overlap[] = [];
  for (const list of byStream.values()) {
    list.sort((a, b) => a.from - b.from);
    let latest: Hold | undefined;
    for (const h of list) {
      if (latest && h.from < latest.to)
        found.push({
          stream: h.stream,
          integrationId: h.integrationId,
          first: latest,
          second: h,
          noticed: latest.leaseLost && latest.ended === 'lock_lost',
        });
      if (!latest || h.to > latest.to) latest = h;
    }
  }
  return found;
}

/**
 * Holds whose lease had run out by their release, yet that finished their run (wrote its last
 * page and its result) as if they had held it: a run past its lease that nobody noticed.
 */
export function unnoticedOverruns(holds: Hold[]): Hold[] {
  return holds.filter((h) => h.leaseLost && (h.ended === 'succeeded' || h.ended === 'needs_confirmation'));
}

export interface RssSample {
  at: number;
  mb: number;
}

/**
 * Whether RSS stayed flat: the median of the last third of the samples against the median of
 * the first third (the samples start after warm-up).
 */
export function rssTrend(samples: RssSample[]): { firstMb: number; lastMb: number; ratio: number; peakMb: number } {
  const third = Math.max(1, Math.floor(samples.length / 3));
  const firstMb = median(samples.slice(0, third).map((s) => s.mb));
  const lastMb = median(samples.slice(-third).map((s) => s.mb));
  return { firstMb, lastMb, ratio: lastMb / firstMb, peakMb: Math.max(...samples.map((s) => s.mb)) };
}

export function median(xs: number[]): number {
  return percentile(xs, 0.5);
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
