import { expect } from 'chai';
import {
  GraphForbiddenError,
  GraphNotFoundError,
  GraphTransientError,
  type GraphClient,
} from '@ones-m365/shared/graph';
import { discoverPager, isPagerExtension } from '@ones-m365/shared/integrations';
import { testConnection } from '../../fakes/graph-test-helpers.js';

const APP = '0123456789abcdef0123456789abcdef';
const graph = (answer: () => Promise<string[]>): Pick<GraphClient, 'getAvailableExtensionProperties'> => ({
  getAvailableExtensionProperties: answer,
});

describe('pager discovery (one place for the api, Test settings and the users sync)', () => {
  it('finds the extension_<appId>_pager property among the directory extensions', async () => {
    const names = [`extension_${APP}_employeeCode`, `extension_${APP}_pager`];
    expect(
      await discoverPager(
        graph(async () => names),
        testConnection(),
      ),
    ).to.deep.equal({ found: `extension_${APP}_pager` });
  });

  it('names only what Entra Connect makes of a pager: extension_ + a 32-hex app id + _pager', () => {
    expect(isPagerExtension(`extension_${APP.toUpperCase()}_Pager`)).to.equal(true);
    for (const name of [
      'pager',
      'extension_pager',
      `extension_${APP}_pagerx`,
      `x_extension_${APP}_pager`,
      'extension_123_pager',
    ])
      expect(isPagerExtension(name), name).to.equal(false);
  });

  it('no pager extension, and no permission to look, are answers; other failures are thrown', async () => {
    expect(
      await discoverPager(
        graph(async () => [`extension_${APP}_other`]),
        testConnection(),
      ),
    ).to.deep.equal({ notFound: true });
    expect(
      await discoverPager(
        graph(async () => {
          throw new GraphForbiddenError('Authorization_RequestDenied');
        }),
        testConnection(),
      ),
    ).to.deep.equal({ notAllowed: true });
    expect(
      await discoverPager(
        graph(async () => {
          throw new GraphNotFoundError('not here');
        }),
        testConnection(),
      ),
    ).to.deep.equal({ notAllowed: true });
    const down = new GraphTransientError('unavailable', 'server_error');
    expect(
      await discoverPager(
        graph(async () => {
          throw down;
        }),
        testConnection(),
      ).catch((e: unknown) => e),
    ).to.equal(down);
  });
});
