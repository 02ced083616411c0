/**
 * A bound on the Graph requests in flight that several jobs share (one queue of one process): a
 * request waits for a free lane (first come, first served) and gives it back as soon as its
 * answer is read, retries included. The jobs themselves may be more than the lanes: while one job
 * writes what it read, another's request already holds the lane, so Graph round trips and
 * database writes overlap across jobs as the prefetch overlaps them within one stream, and Graph
 * still sees at most `size` requests at once.
 */
export interface RequestLanes {
  readonly size: number;
  /** Requests holding a lane now. */
  readonly busy: number;
  run<T>(request: () => Promise<T>): Promise<T>;
}

export function createRequestLanes(size: number): RequestLanes {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('request lanes: size must be a whole number ≥ 1');
  let busy = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next)
      next(); // the lane passes straight to the next request: `busy` stays
    else busy--;
  };
  return {
    size,
    get busy() {
      return busy;
    },
    async run<T>(request: () => Promise<T>): Promise<T> {
      if (busy < size) busy++;
      else await new Promise<void>((r) => waiting.push(r));
      try {
        return await request();
      } finally {
        release();
      }
    },
  };
}
