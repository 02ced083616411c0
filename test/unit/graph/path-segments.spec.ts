import { expect } from 'chai';
import fc from 'fast-check';
import { createGraphClient, GraphRequestError, type GraphClient } from '../../../shared/graph/index.js';
import { guidSeg, seg } from '../../../shared/graph/graph-transport.js';
import { FakeHttp, addFakeLogin } from '../../fakes/graph-fake-http.js';
import { LOGIN, TENANT, rejectionOf, testConnection } from '../../fakes/graph-test-helpers.js';

function setup(): { http: FakeHttp; graph: GraphClient } {
  const http = new FakeHttp();
  addFakeLogin(http, LOGIN, TENANT);
  return { http, graph: createGraphClient({ fetch: http.fetch }) };
}

const graphRequests = (http: FakeHttp) => http.requests.filter((r) => !r.url.startsWith(LOGIN));

describe('graph/path segments', () => {
  it('refuses empty and dot segments, which URL parsing would resolve to another path', () => {
    for (const bad of ['', '.', '..']) expect(() => seg(bad)).to.throw(GraphRequestError);
  });

  it('encodes every other value into exactly one segment that decodes back to it', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((v) => v !== '.' && v !== '..'),
        (value) => {
          const url = new URL(`https://graph.test.local/v1.0/users/${seg(value)}/events`);
          const parts = url.pathname.split('/');
          expect(parts).to.have.length(5);
          expect(decodeURIComponent(parts[3]!)).to.equal(value);
        },
      ),
    );
  });

  it('takes only GUIDs as group ids', () => {
    expect(guidSeg('0b0d5f2e-7c1a-4e55-9a3b-1f2e3d4c5b6a', 'group')).to.equal('0b0d5f2e-7c1a-4e55-9a3b-1f2e3d4c5b6a');
    for (const bad of ['.', '..', 'g1', '0b0d5f2e-7c1a-4e55-9a3b-1f2e3d4c5b6a/..', '%2e%2e'])
      expect(() => guidSeg(bad, 'group')).to.throw(GraphRequestError, /GUID/);
  });

  it('sends no request for a group id that is not a GUID', async () => {
    const { http, graph } = setup();
    for (const bad of ['.', '..', 'other/path']) {
      expect(await rejectionOf(graph.getGroup(testConnection(), bad))).to.be.instanceOf(GraphRequestError);
      expect(
        await rejectionOf(graph.transitiveMemberUserIds(testConnection(), bad)[Symbol.asyncIterator]().next()),
      ).to.be.instanceOf(GraphRequestError);
    }
    expect(graphRequests(http)).to.deep.equal([]);
  });

  it('sends no request for a dot segment in a subscription or room path', async () => {
    const { http, graph } = setup();
    expect(await rejectionOf(graph.getSubscription(testConnection(), '..'))).to.be.instanceOf(GraphRequestError);
    expect(await rejectionOf(graph.deleteSubscription(testConnection(), '.'))).to.be.instanceOf(GraphRequestError);
    expect(graphRequests(http)).to.deep.equal([]);
  });
});
