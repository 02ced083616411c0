import { expect } from 'chai';
import { prefetchPages } from '../../../../services/worker/src/sync/runner/prefetch.js';

/** Pages 1..n, each naming the next one. */
const pages = (n: number) => (link?: string) => {
  const i = link ? Number(link) : 1;
  return Promise.resolve({ i, next: i < n ? String(i + 1) : undefined });
};

describe('prefetchPages', () => {
  it('writes every page in order, telling each write the link after it', async () => {
    const written: [number, string | undefined][] = [];
    const verdict = await prefetchPages(
      pages(4),
      (p) => p.next,
      async (p, next) => {
        written.push([p.i, next]);
        return 'continue';
      },
    );
    expect(verdict).to.equal('continue');
    expect(written).to.deep.equal([
      [1, '2'],
      [2, '3'],
      [3, '4'],
      [4, undefined],
    ]);
  });

  it('starts from the given link', async () => {
    const written: number[] = [];
    await prefetchPages(
      pages(4),
      (p) => p.next,
      async (p) => {
        written.push(p.i);
        return 'continue';
      },
      '3',
    );
    expect(written).to.deep.equal([3, 4]);
  });

  it('reads at most `ahead` pages beyond the one being written (memory stays bounded)', async () => {
    const read: number[] = [];
    let maxAhead = 0;
    let writing = 0;
    const fetch = async (link?: string) => {
      const p = await pages(20)(link);
      read.push(p.i);
      maxAhead = Math.max(maxAhead, p.i - writing);
      return p;
    };
    await prefetchPages(
      fetch,
      (p) => p.next,
      async (p) => {
        writing = p.i;
        await new Promise((r) => setImmediate(r));
        return 'continue';
      },
      undefined,
      2,
    );
    expect(read).to.have.length(20);
    expect(maxAhead).to.be.at.most(3);
  });

  it('a write that says stop ends the walk; pages read ahead are not written', async () => {
    const written: number[] = [];
    const verdict = await prefetchPages(
      pages(10),
      (p) => p.next,
      async (p) => {
        written.push(p.i);
        return p.i === 2 ? 'stop' : 'continue';
      },
    );
    expect(verdict).to.equal('stop');
    expect(written).to.deep.equal([1, 2]);
  });

  it('a read failure surfaces after the pages before it are written', async () => {
    const written: number[] = [];
    const fetch = async (link?: string) => {
      if (link === '3') throw new Error('graph down');
      return await pages(10)(link);
    };
    const err = await prefetchPages(
      fetch,
      (p) => p.next,
      async (p) => {
        written.push(p.i);
        return 'continue';
      },
    ).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.equal('graph down');
    expect(written).to.deep.equal([1, 2]);
  });
});
