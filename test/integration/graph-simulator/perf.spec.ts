import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { graphFor, msalFor } from '../../support/graph-simulator-clients.js';

type Page = { value: unknown[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };

describe('graph-simulator: 100k-user sanity (speed, stateless paging)', function () {
  this.timeout(60_000);
  let sim: GraphSimulator;
  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 100, users: 100_000, rooms: 200 } });
  });
  after(async () => {
    await sim.close();
  });

  it('serves 100,000 users through /users/delta in a few seconds without keeping per-page state', async () => {
    const graph = graphFor(sim, msalFor(sim));
    const before = sim.state();
    const started = Date.now();
    let url: string | undefined = '/users/delta?$select=id,displayName,mail,accountEnabled';
    let users = 0;
    let pages = 0;
    let deltaLink: string | undefined;
    while (url) {
      const p = (await graph.api(url).get()) as Page;
      users += p.value.length;
      pages++;
      deltaLink = p['@odata.deltaLink'];
      url = p['@odata.nextLink'];
    }
    const ms = Date.now() - started;
    expect(users).to.equal(100_000);
    expect(pages).to.equal(500);
    expect(deltaLink).to.be.a('string');
    expect(ms).to.be.lessThan(20_000);
    const after = sim.state();
    // nothing server-side grew with the pages served: no sessions, codes or cached cursors
    expect(after.authCodes).to.equal(before.authCodes);
    expect(after.subscriptions).to.equal(before.subscriptions);
    expect(after.verifiedTokenCache).to.be.lessThan(5);
    expect(sim.requestCount({ route: '/v1.0/users/delta', status: 200 })).to.equal(500);
  });
});
