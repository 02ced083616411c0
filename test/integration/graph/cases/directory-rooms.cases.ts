import { expect } from 'chai';
import type { GraphSimulator } from '@ones-m365/graph-simulator';
import {
  createGraphClient,
  createRequestCounter,
  GraphDeltaExpiredError,
  type GraphClient,
  type GraphConnection,
  type GraphRoom,
  type GraphUser,
  type RemovedItem,
} from '../../../../shared/graph/index.js';
import { rejectionOf, simConnection, startSim } from './sim-support.js';

async function allRooms(graph: GraphClient, conn: GraphConnection): Promise<GraphRoom[]> {
  const out: GraphRoom[] = [];
  for await (const r of graph.iterateRooms(conn)) out.push(r);
  return out;
}

/** Follows a delta round to its deltaLink, like the users-delta job does. */
async function deltaRound(graph: GraphClient, conn: GraphConnection, select: string[], link?: string) {
  const users: GraphUser[] = [];
  const removed: RemovedItem[] = [];
  let next = link;
  for (let pages = 1; ; pages++) {
    const page = await graph.usersDelta(conn, next === undefined ? { select } : { select, link: next });
    users.push(...page.users);
    removed.push(...page.removed);
    if (page.deltaLink) return { users, removed, deltaLink: page.deltaLink, pages };
    next = page.nextLink;
    if (!next) throw new Error('delta page without nextLink or deltaLink');
  }
}

describe('graph client ↔ simulator: rooms, users, groups', () => {
  let sim: GraphSimulator;
  let graph: GraphClient;
  let conn: GraphConnection;

  before(async () => {
    sim = await startSim({ seed: { seed: 11, users: 450, rooms: 130, roomLists: 3, groups: 4 }, deltaPageSize: 100 });
    graph = createGraphClient();
    conn = simConnection(sim);
  });
  after(async () => {
    await sim.close();
  });
  afterEach(() => {
    sim.clearFaults();
    sim.updateSettings({ placesNextLink: false });
  });

  it('walks every visible room with $top/$skip when Graph sends no nextLink, one request per page', async () => {
    const expected = sim.listRooms().filter((r) => !r.hiddenFromGal);
    const counter = createRequestCounter();
    const rooms = await allRooms(graph, { ...conn, counter });
    expect(rooms.map((r) => r.emailAddress).sort()).to.deep.equal(expected.map((r) => r.emailAddress).sort());
    expect(counter.count).to.equal(Math.floor(expected.length / 100) + 1);
    const sample = expected[0]!;
    const mapped = rooms.find((r) => r.emailAddress === sample.emailAddress)!;
    expect(mapped).to.include({
      displayName: sample.displayName,
      bookingType: sample.bookingType,
      isWheelChairAccessible: sample.isWheelChairAccessible,
    });
    expect(mapped.capacity).to.equal(sample.capacity ?? null);
    expect(mapped.floorNumber).to.equal(sample.floorNumber ?? null);
  });

  it('follows @odata.nextLink when the tenant sends it', async () => {
    sim.updateSettings({ placesNextLink: true });
    const expected = sim.listRooms().filter((r) => !r.hiddenFromGal).length;
    const first = await graph.listRoomsPage(conn);
    expect(first.nextCursor).to.match(/^https:\/\//);
    expect(await allRooms(graph, conn)).to.have.length(expected);
  });

  it('lists room lists and the rooms in one', async () => {
    const lists = await graph.listRoomListsPage(conn);
    expect(lists.roomLists.length).to.be.greaterThan(0);
    const inList = await graph.listRoomsInListPage(conn, lists.roomLists[0]!.emailAddress!);
    expect(inList.rooms.length).to.be.greaterThan(0);
  });

  it('runs a full users delta round, then sees changes, soft and hard deletes through the deltaLink', async () => {
    const info = sim.tenantInfo();
    const select = ['userPrincipalName', 'mail', 'displayName', 'accountEnabled', 'employeeId', info.pagerExtension];
    const full = await deltaRound(graph, conn, select);
    expect(full.users).to.have.length(450);
    expect(full.pages).to.be.greaterThan(4);
    expect(full.users.some((u) => typeof u.extra[info.pagerExtension] === 'string')).to.equal(true);
    expect(full.users.every((u) => u.userPrincipalName !== null)).to.equal(true);

    const [a, b, c] = full.users;
    sim.updateUser(a!.id, { displayName: 'Renamed User' });
    sim.softDeleteUser(b!.id);
    sim.hardDeleteUser(c!.id);
    const created = sim.createUser({
      displayName: 'New Person',
      userPrincipalName: `new.person@${info.domain}`,
      accountEnabled: true,
    });
    const changes = await deltaRound(graph, conn, select, full.deltaLink);
    expect(changes.users.find((u) => u.id === a!.id)?.displayName).to.equal('Renamed User');
    expect(changes.users.some((u) => u.id === created.id)).to.equal(true);
    expect(changes.removed).to.deep.include({ id: b!.id, reason: 'changed' });
    expect(changes.removed.find((r) => r.id === c!.id)).to.not.equal(undefined);
  });

  it('starts "from now" with $deltatoken=latest and surfaces an expired delta token as GraphDeltaExpiredError', async () => {
    const link = await graph.usersDeltaLatest(conn, ['displayName']);
    const created = sim.createUser({
      displayName: 'After Latest',
      userPrincipalName: `after.latest@${sim.tenantInfo().domain}`,
    });
    const round = await deltaRound(graph, conn, ['displayName'], link);
    expect(round.users.map((u) => u.id)).to.include(created.id);
    expect(round.users.length).to.be.lessThan(5);

    sim.expireDeltaTokens();
    const err = await rejectionOf(graph.usersDelta(conn, { select: ['displayName'], link: round.deltaLink }));
    expect(err).to.be.instanceOf(GraphDeltaExpiredError);
  });

  it('discovers the pager directory extension (needs Directory.Read.All beyond the four usual permissions)', async () => {
    const denied = await rejectionOf(graph.getAvailableExtensionProperties(conn));
    expect(denied).to.include({ kind: 'forbidden', graphStatus: 403 });
    const app = sim.createApp({ permissions: ['User.Read.All', 'Directory.Read.All'] });
    const names = await graph.getAvailableExtensionProperties(
      simConnection(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value }),
    );
    expect(names).to.include(sim.tenantInfo().pagerExtension);
  });

  it('lists groups and walks transitive user members', async () => {
    const simGroups = sim.listGroups();
    const page = await graph.listGroupsPage(conn);
    expect(page.groups.map((g) => g.id).sort()).to.deep.equal(simGroups.map((g) => g.id).sort());
    const target = simGroups[0]!;
    const group = await graph.getGroup(conn, target.id);
    expect(group.displayName).to.equal(target.displayName);
    const ids: string[] = [];
    for await (const pageIds of graph.transitiveMemberUserIds(conn, target.id)) ids.push(...pageIds);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids.length).to.be.greaterThan(0);
  });

  it('retries a short 429 itself, and hands a long one to the caller with its Retry-After', async () => {
    sim.addErrorFault({ status: 429, retryAfterSeconds: 1, count: 1, match: '/places/' });
    const page = await graph.listRoomsPage(conn);
    expect(page.rooms.length).to.be.greaterThan(0);

    sim.addErrorFault({ status: 429, retryAfterSeconds: 90, count: 1, match: '/places/' });
    const started = Date.now();
    const err = await rejectionOf(graph.listRoomsPage(conn));
    expect(Date.now() - started).to.be.lessThan(3_000);
    expect(err).to.include({ kind: 'throttled', retryAfterMs: 90_000, retryable: true });
  });

  it('reports 503 without Retry-After as transient once its few retries are spent', async () => {
    const quick = createGraphClient({ maxRetries: 1, retryDelaySeconds: 0 });
    sim.addErrorFault({ status: 503, retryAfterSeconds: null, count: 5, match: '/groups' });
    const err = await rejectionOf(quick.listGroupsPage(conn));
    expect(err).to.include({ kind: 'transient', graphStatus: 503, retryable: true });
  });
});
