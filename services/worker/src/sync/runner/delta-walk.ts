/**
 * A delta round of any stream: follow `nextLink` page by page (the next one prefetched while this
 * one is written) until the page that carries the `deltaLink`. A round that ends without one is
 * Graph's fault (nothing to store, so nothing would be resumed): it fails the run.
 */
import { GraphRequestError } from '@ones-m365/shared/graph';
import { prefetchPages, type PageVerdict } from './prefetch.js';

export interface DeltaPage {
  nextLink?: string;
  deltaLink?: string;
}

/** Where a page leaves the round: another page to read, or the round's end and its deltaLink. */
export type DeltaPosition = { next: string } | { deltaLink: string };

export async function walkDelta<P extends DeltaPage>(
  stream: string,
  fetch: (link?: string) => Promise<P>,
  write: (page: P, at: DeltaPosition) => Promise<PageVerdict>,
  link?: string,
): Promise<PageVerdict> {
  return await prefetchPages(
    fetch,
    (page) => page.nextLink,
    async (page, next) => {
      if (next) return await write(page, { next });
      if (!page.deltaLink)
        throw new GraphRequestError(`Microsoft Graph ended a ${stream} delta round without a deltaLink`);
      return await write(page, { deltaLink: page.deltaLink });
    },
    link,
  );
}
