import { expect } from 'chai';
import { GraphRequestError } from '@ones-m365/shared/graph';
import { walkDelta, type DeltaPosition } from '../../../../services/worker/src/sync/runner/delta-walk.js';

describe('walkDelta', () => {
  const round = (links: Record<string, { nextLink?: string; deltaLink?: string }>) => async (link?: string) => ({
    name: link ?? 'first',
    ...links[link ?? 'first'],
  });

  it('tells each page where it leaves the round: the next page, or the deltaLink on the last', async () => {
    const seen: [string, DeltaPosition][] = [];
    await walkDelta('users', round({ first: { nextLink: 'p2' }, p2: { deltaLink: 'delta-3' } }), async (p, at) => {
      seen.push([p.name, at]);
      return 'continue';
    });
    expect(seen).to.deep.equal([
      ['first', { next: 'p2' }],
      ['p2', { deltaLink: 'delta-3' }],
    ]);
  });

  it('a round that ends without a deltaLink fails, after writing the pages before it', async () => {
    const seen: string[] = [];
    const err = await walkDelta('users', round({ first: { nextLink: 'p2' }, p2: {} }), async (p) => {
      seen.push(p.name);
      return 'continue';
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(GraphRequestError);
    expect((err as Error).message).to.equal('Microsoft Graph ended a users delta round without a deltaLink');
    expect(seen).to.deep.equal(['first']);
  });
});
