/**
 * Walks a paged Graph resource while writing: the next page is requested as soon as the current
 * one arrives, so its round trip overlaps the database write of this one. A page whose write says
 * `stop` ends the walk (the prefetched page is dropped unread).
 */
export type PageVerdict = 'continue' | 'stop';

export async function prefetchPages<P>(
  fetch: (link?: string) => Promise<P>,
  nextOf: (page: P) => string | undefined,
  write: (page: P, next: string | undefined) => Promise<PageVerdict>,
  first?: string,
): Promise<PageVerdict> {
  let pending: Promise<P> | null = fetch(first);
  while (pending) {
    const page: P = await pending;
    const next = nextOf(page);
    pending = next === undefined ? null : fetch(next);
    // A prefetch that fails while this page is written is reported when awaited, not as unhandled.
    pending?.catch(() => undefined);
    if ((await write(page, next)) === 'stop') return 'stop';
  }
  return 'continue';
}
