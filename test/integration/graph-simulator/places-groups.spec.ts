import type { Client } from '@microsoft/microsoft-graph-client';
import { expect } from 'chai';
import { startGraphSimulator, type GraphSimulator } from '../../../services/graph-simulator/src/index.js';
import { graphFor, msalFor } from '../../support/graph-simulator-clients.js';

type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.count'?: number };

describe('graph-simulator: places and groups (real Graph client)', () => {
  let sim: GraphSimulator;
  let graph: Client;
  before(async () => {
    sim = await startGraphSimulator({ seed: { seed: 5, users: 600, rooms: 250, hiddenRoomShare: 0.1, groups: 7 } });
    graph = graphFor(sim, msalFor(sim));
  });
  after(async () => {
    await sim.close();
  });
  afterEach(() => sim.updateSettings({ placesNextLink: false, placesMode: 'configured' }));

  const visible = () => sim.listRooms().filter((r) => !r.hiddenFromGal);

  it('rooms: default page 100, no nextLink by default, $top/$skip reach every visible room and never hidden ones', async () => {
    const first = (await graph.api('/places/microsoft.graph.room').get()) as Page;
    expect(first.value).to.have.length(100);
    expect(first['@odata.nextLink']).to.equal(undefined);
    const seen: Record<string, unknown>[] = [];
    for (let skip = 0; ; skip += 100) {
      const p = (await graph.api(`/places/microsoft.graph.room?$top=100&$skip=${skip}`).get()) as Page;
      if (!p.value.length) break;
      seen.push(...p.value);
    }
    const want = visible();
    expect(want.length).to.be.lessThan(250);
    expect(seen.map((r) => r.emailAddress).sort()).to.deep.equal(want.map((r) => r.emailAddress).sort());
    expect(seen[0]).to.include.keys([
      'id',
      'emailAddress',
      'displayName',
      'capacity',
      'building',
      'floorNumber',
      'bookingType',
      'isWheelChairAccessible',
    ]);
  });

  it('rooms: with placesNextLink on, nextLink paging returns the same set; $count=true counts', async () => {
    sim.updateSettings({ placesNextLink: true });
    const all: Record<string, unknown>[] = [];
    let page = (await graph.api('/places/microsoft.graph.room?$count=true').get()) as Page;
    expect(page['@odata.count']).to.equal(visible().length);
    for (;;) {
      all.push(...page.value);
      if (!page['@odata.nextLink']) break;
      page = (await graph.api(page['@odata.nextLink']).get()) as Page;
    }
    expect(all).to.have.length(visible().length);
  });

  it('room lists and the rooms of a list addressed by email (404 by id)', async () => {
    const lists = (await graph.api('/places/microsoft.graph.roomlist').get()) as Page;
    expect(lists.value.length).to.be.greaterThan(0);
    const list = lists.value[0]!;
    const rooms = (await graph
      .api(`/places/${String(list.emailAddress)}/microsoft.graph.roomlist/rooms?$top=500`)
      .get()) as Page;
    expect(rooms.value.length).to.be.greaterThan(0);
    expect(rooms.value.every((r) => r['@odata.type'] === '#microsoft.graph.room')).to.equal(true);
    const err = await graph
      .api(`/places/${String(list.id)}/microsoft.graph.roomlist/rooms`)
      .get()
      .then(
        () => null,
        (e: { statusCode: number }) => e,
      );
    expect(err?.statusCode).to.equal(404);
  });

  it('rooms added, updated and removed through the control API show up', async () => {
    const room = sim.addRoom({
      emailAddress: `new-room@${sim.tenantInfo().domain}`,
      displayName: 'Fresh Room',
      capacity: 7,
    });
    sim.updateRoom(room.emailAddress, { capacity: 9 });
    let all = (await graph.api('/places/microsoft.graph.room?$top=1000').get()) as Page;
    expect(all.value.find((r) => r.emailAddress === room.emailAddress)).to.include({ capacity: 9 });
    sim.removeRoom(room.emailAddress);
    all = (await graph.api('/places/microsoft.graph.room?$top=1000').get()) as Page;
    expect(all.value.find((r) => r.emailAddress === room.emailAddress)).to.equal(undefined);
  });

  it('"Places not configured" modes: empty lists or an error', async () => {
    sim.updateSettings({ placesMode: 'empty' });
    expect(((await graph.api('/places/microsoft.graph.room').get()) as Page).value).to.deep.equal([]);
    sim.updateSettings({ placesMode: 'error' });
    const err = await graph
      .api('/places/microsoft.graph.room')
      .get()
      .then(
        () => null,
        (e: { statusCode: number; code: string }) => e,
      );
    expect(err?.statusCode).to.equal(400);
    expect(err?.code).to.equal('ErrorPlacesNotConfigured');
  });

  it('groups: list, get, direct and transitive members with casts and paging', async () => {
    const groups = (await graph.api('/groups').get()) as Page;
    expect(groups.value).to.have.length(7);
    const nestedParent = sim
      .listGroups()
      .find((g) => g.memberIds.some((id) => sim.listGroups().some((x) => x.id === id)))!;
    const child = sim.listGroups().find((g) => nestedParent.memberIds.includes(g.id))!;
    const direct = (await graph.api(`/groups/${nestedParent.id}/members?$top=999`).get()) as Page;
    expect(direct.value.some((m) => m['@odata.type'] === '#microsoft.graph.group')).to.equal(true);
    const usersOnly = (await graph
      .api(`/groups/${nestedParent.id}/transitiveMembers/microsoft.graph.user?$top=999`)
      .get()) as Page;
    expect(usersOnly.value.every((m) => m['@odata.type'] === '#microsoft.graph.user')).to.equal(true);
    const childUserIds = child.memberIds.filter((id) => !sim.listGroups().some((g) => g.id === id));
    const transitiveIds = new Set(usersOnly.value.map((m) => m.id));
    expect(childUserIds.every((id) => transitiveIds.has(id))).to.equal(true);
    const directUsers = direct.value.filter((m) => m['@odata.type'] === '#microsoft.graph.user');
    expect(transitiveIds.size).to.be.greaterThan(directUsers.length - 1);
    // paging
    const small = (await graph.api(`/groups/${nestedParent.id}/transitiveMembers?$top=5`).get()) as Page;
    expect(small.value).to.have.length(5);
    const next = (await graph.api(small['@odata.nextLink']!).get()) as Page;
    expect(next.value[0]!.id).to.not.equal(small.value[0]!.id);
    const one = (await graph.api(`/groups/${child.id}`).get()) as Record<string, unknown>;
    expect(one.displayName).to.equal(child.displayName);
  });

  it('groups need Group.Read.All (or GroupMember.Read.All): 403 Authorization_RequestDenied otherwise', async () => {
    const app = sim.createApp({ permissions: ['User.Read.All'] });
    const g = graphFor(sim, msalFor(sim, { clientId: app.appId, clientSecret: app.secrets[0]!.value }));
    const err = await g
      .api('/groups')
      .get()
      .then(
        () => null,
        (e: { statusCode: number; code: string }) => e,
      );
    expect(err?.statusCode).to.equal(403);
    expect(err?.code).to.equal('Authorization_RequestDenied');
  });
});
