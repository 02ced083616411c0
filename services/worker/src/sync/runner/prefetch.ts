/**
 * Walks a paged Graph resource while writing: a reader requests each page as soon as the one
 * before it arrived (its link is in it) and keeps up to `ahead` pages ready, so Graph round trips
 * overlap the database writes and the walk goes at Graph's pace; memory stays bounded by `ahead`
 * pages. Pages are written in order; a page whose write says `stop` ends the walk (pages read
 * ahead are dropped unwritten). A read failure surfaces after the pages before it are written.
 */
export type PageVerdict = 'continue' | 'stop';

export async function prefetchPages<P>(
  fetch: (link?: string) => Promise<P>,
  nextOf: (page: P) => string | undefined,
  write: (page: P, next: string | undefined) => Promise<PageVerdict>,
  first?: string,
  ahead = 2,
): Promise<PageVerdict> {
  const ready: P[] = [];
  let failure: { err: unknown } | null = null;
  let ended = false;
  let stopped = false;
  let wakeWriter: (() => void) | null = null;
  let wakeReader: (() => void) | null = null;
  const poke = (which: 'writer' | 'reader') => {
    const w = which === 'writer' ? wakeWriter : wakeReader;
    if (which === 'writer') wakeWriter = null;
    else wakeReader = null;
    w?.();
  };

  void (async () => {
    let link = first;
    try {
      for (;;) {
        while (ready.length >= ahead && !stopped) await new Promise<void>((r) => (wakeReader = r));
        if (stopped) return;
        const page = await fetch(link);
        ready.push(page);
        poke('writer');
        link = nextOf(page);
        if (link === undefined) return;
      }
    } catch (err) {
      failure = { err };
    } finally {
      ended = true;
      poke('writer');
    }
  })();

  try {
    for (;;) {
      while (ready.length === 0 && !ended) await new Promise<void>((r) => (wakeWriter = r));
      const page = ready.shift();
      if (page === undefined) {
        if (failure) throw (failure as { err: unknown }).err;
        return 'continue';
      }
      poke('reader');
      if ((await write(page, nextOf(page))) === 'stop') return 'stop';
    }
  } finally {
    stopped = true;
    poke('reader');
  }
}
