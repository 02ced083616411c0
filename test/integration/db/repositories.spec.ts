import { expect } from 'chai';
import type { DataSource, Logger as OrmLogger } from 'typeorm';
import { In } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import {
  EventBatchEntity,
  EventRepository,
  findRow,
  findRows,
  GroupRepository,
  newEventId,
  publishEvents,
  RoomEntity,
  RoomRepository,
  UserRepository,
  type UserRow,
} from '@ones-m365/shared/db';
import { openTestDatabase, truncateAll, type TestDatabase } from '../../support/db.js';

/** Counts the statements TypeORM sends, to show upserts are one statement per batch. */
function countStatements(ds: DataSource): { inserts: () => number; reset: () => void } {
  let n = 0;
  const logger: OrmLogger = {
    logQuery: (q) => {
      if (/^\s*INSERT/i.test(q)) n++;
    },
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  Object.assign(ds.options, { logging: true });
  (ds as unknown as { logger: OrmLogger }).logger = logger;
  return {
    inserts: () => n,
    reset: () => {
      n = 0;
    },
  };
}

const user = (i: number, over: Partial<UserRow> = {}): UserRow => ({
  integrationId: 'int-1',
  graphId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
  userPrincipalName: `u${i}@contoso.com`,
  mail: `u${i}@contoso.com`,
  displayName: `User ${i}`,
  accountEnabled: true,
  active: true,
  inactiveReason: null,
  cardNumber: null,
  ...over,
});

for (const kind of ['mysql', 'sqlite'] as const) {
  describe(`repositories on ${kind}`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await openTestDatabase(kind);
    });
    after(() => db.drop());
    beforeEach(() => truncateAll(db.ds));

    it('upserts a batch of users in one statement, keeping ids of existing rows', async () => {
      const users = new UserRepository(db.ds);
      const counter = countStatements(db.ds);
      await users.upsertBatch([1, 2, 3].map((i) => user(i)));
      expect(counter.inserts()).to.equal(1);
      const before = await users.byGraphIds('int-1', [user(1).graphId, user(2).graphId]);
      counter.reset();
      await users.upsertBatch([
        user(1, { displayName: 'Renamed' }),
        user(2, { active: false, inactiveReason: 'disabled' }),
        user(4),
      ]);
      expect(counter.inserts()).to.equal(1);
      const page = await users.list('int-1', { limit: 10 });
      expect(page.items).to.have.length(4);
      const after = await users.byGraphIds('int-1', [user(1).graphId, user(2).graphId]);
      const byGraph = new Map(after.map((u) => [u.graphId, u]));
      for (const b of before) expect(byGraph.get(b.graphId)?.id).to.equal(b.id);
      expect(byGraph.get(user(1).graphId)?.displayName).to.equal('Renamed');
      expect(byGraph.get(user(2).graphId)).to.include({ active: false, inactiveReason: 'disabled' });
    });

    it('pages users with a cursor and filters by active', async () => {
      const users = new UserRepository(db.ds);
      await users.upsertBatch(Array.from({ length: 25 }, (_, i) => user(i, { active: i % 5 !== 0 })));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await users.list('int-1', { limit: 10, cursor });
        seen.push(...page.items.map((u) => u.graphId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(new Set(seen).size).to.equal(25);
      expect((await users.list('int-1', { limit: 100, active: false })).items).to.have.length(5);
    });

    it('adds group memberships once', async () => {
      const users = new UserRepository(db.ds);
      const groups = new GroupRepository(db.ds);
      const g = await groups.create('Staff');
      await users.upsertBatch([user(1)]);
      const [u] = await users.byGraphIds('int-1', [user(1).graphId]);
      await users.addToGroups([u!.id], [g.id]);
      await users.addToGroups([u!.id], [g.id]);
      expect((await users.list('int-1', { limit: 1 })).items[0]?.groupIds).to.deep.equal([g.id]);
      expect(await groups.existing([g.id, 'missing'])).to.deep.equal([g.id]);
    });

    it('upserts rooms by email (case-insensitive) and deactivates the rest, never deleting', async () => {
      const rooms = new RoomRepository(db.ds);
      const room = (email: string, name: string) => ({
        integrationId: 'int-1',
        email,
        graphId: null,
        displayName: name,
        capacity: 8,
        building: 'HQ',
        floorNumber: 2,
        floorLabel: '2F',
        bookingType: 'standard',
        isWheelChairAccessible: true,
        tags: ['video'],
      });
      await rooms.upsertBatch([room('A@contoso.com', 'A'), room('b@contoso.com', 'B')]);
      await rooms.upsertBatch([room('a@contoso.com', 'A2')]);
      const gone = await db.ds.transaction((em) =>
        new RoomRepository(em).deactivateAllExcept('int-1', ['a@contoso.com'], new EventRepository(em)),
      );
      expect(gone).to.equal(1);
      const all = (await rooms.list('int-1', { limit: 10 })).items;
      expect(all).to.have.length(2);
      const a = all.find((r) => r.email === 'a@contoso.com');
      expect(a).to.include({ displayName: 'A2', active: true, capacity: 8 });
      expect(a?.tags).to.deep.equal(['video']);
      expect(all.find((r) => r.email === 'b@contoso.com')?.active).to.equal(false);
    });

    it('reads events back as written, in their batch rows of today and in those written before (the whole JSON per line)', async () => {
      const events = new EventRepository(db.ds);
      await events.add([
        { type: 'user.created', integrationId: 'int-1', data: { id: 'u1', displayName: 'Tab\there "quoted"' } },
        { type: 'user.updated', integrationId: 'int-1', data: { id: 'u2', groupIds: ['g1'] } },
      ]);
      // A batch row as the outbox wrote them before: each line `id \t type \t the event's JSON`.
      const id = newEventId();
      const occurredAt = new Date('2026-11-30T08:00:00.123Z');
      const legacy = `{"id":"${id}","type":"room.updated","integrationId":"int-1","occurredAt":"2026-11-30T08:00:00.123Z","data":{"id":"r1"}}`;
      await db.ds.getRepository(EventBatchEntity).insert({
        id,
        lastId: id,
        integrationId: 'int-1',
        count: 1,
        types: ',room.updated,',
        occurredAt,
        payload: deflateRawSync(`${id}\troom.updated\t${legacy}`),
      });
      await publishEvents(db.ds, 100);
      const read = await events.published({ limit: 10 });
      expect(read.map((e) => e.type)).to.deep.equal(['user.created', 'user.updated', 'room.updated']);
      const [created, updated, old] = read.map((e) => JSON.parse(e.json) as Record<string, unknown>);
      expect(created).to.deep.equal({
        id: read[0]!.id,
        type: 'user.created',
        integrationId: 'int-1',
        occurredAt: read[0]!.occurredAt.toISOString(),
        data: { id: 'u1', displayName: 'Tab\there "quoted"' },
      });
      expect(updated).to.include({ id: read[1]!.id, type: 'user.updated', integrationId: 'int-1' });
      expect(updated!.data).to.deep.equal({ id: 'u2', groupIds: ['g1'] });
      expect(read[2]!.json).to.equal(legacy);
      expect(old!.occurredAt).to.equal(occurredAt.toISOString());
    });

    it('simple reads give the rows as find() does (JSON, booleans, dates, nulls), by equality and IS NULL', async () => {
      const rooms = new RoomRepository(db.ds);
      await rooms.upsertBatch([
        {
          integrationId: 'int-1',
          email: 'a@contoso.com',
          graphId: null,
          displayName: 'A',
          capacity: 8,
          building: null,
          floorNumber: 2,
          floorLabel: '2F',
          bookingType: 'standard',
          isWheelChairAccessible: true,
          tags: ['video', 'Zoë'],
        },
      ]);
      const repo = db.ds.getRepository(RoomEntity);
      const [viaFind] = await repo.find({ where: { integrationId: 'int-1' } });
      const viaSimple = await findRow(repo, { integrationId: 'int-1', graphId: null, active: true });
      expect(viaSimple).to.be.instanceOf(RoomEntity);
      expect(viaSimple).to.deep.equal(viaFind);
      expect(viaSimple!.createdAt).to.be.instanceOf(Date);
      expect(await findRow(repo, { integrationId: 'int-1', active: false })).to.equal(null);
      expect(await findRows(repo, { id: viaFind!.id }, { select: ['id', 'tags'] })).to.deep.equal([
        Object.assign(new RoomEntity(), { id: viaFind!.id, tags: ['video', 'Zoë'] }),
      ]);
      // anyOf: the equality and one IN list, the same rows as find() with In().
      const emails = ['a@contoso.com', 'missing@contoso.com'];
      expect(await findRows(repo, { integrationId: 'int-1' }, { anyOf: ['email', emails] })).to.deep.equal(
        await repo.find({ where: { integrationId: 'int-1', email: In(emails) } }),
      );
      expect(await findRows(repo, { integrationId: 'int-2' }, { anyOf: ['email', emails] })).to.deep.equal([]);
      expect(await findRows(repo, { integrationId: 'int-1' }, { anyOf: ['email', []] })).to.deep.equal([]);
    });

    it('stores a big write of events (many batch rows, payloads that barely compress) byte for byte', async () => {
      const events = new EventRepository(db.ds);
      const written = Array.from({ length: 1_200 }, (_, n) => ({
        type: 'room.updated' as const,
        integrationId: n % 3 ? 'int-1' : 'int-2',
        data: { n, name: `Raum Zoë 🚀 ${n}`, noise: randomBytes(n % 7 === 0 ? 900 : 20).toString('base64') },
      }));
      await db.ds.transaction(async (em) => new EventRepository(em).add(written));
      const rows = await db.ds.getRepository(EventBatchEntity).count();
      expect(rows).to.be.greaterThan(4);
      await publishEvents(db.ds, 1_000);
      const read = await events.published({ limit: 2_000 });
      for (const integrationId of ['int-1', 'int-2'])
        expect(
          read
            .filter((e) => e.integrationId === integrationId)
            .map((e) => (JSON.parse(e.json) as { data: unknown }).data),
        ).to.deep.equal(written.filter((e) => e.integrationId === integrationId).map((e) => e.data));
    });
  });
}
