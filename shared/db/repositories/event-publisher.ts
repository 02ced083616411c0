/**
 * Publishing: the step that gives committed events their place in the replay and delivery order.
 * A pass, one at a time (it holds the event_sequence row's lock; SQLite's writers take turns
 * anyway), reads the oldest unpublished batch rows that are committed (a plain read sees no
 * uncommitted row, and waits for none), stamps them with the next pass number, and records each
 * integration's newest published event. Since passes commit in the order of their numbers, a
 * reader at (seq, id) never misses a row: a row whose transaction committed late is published by
 * a later pass, after every position handed out before.
 */
import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import { EventBatchEntity, EventDeliveryEntity, EventSequenceEntity } from '../entities/index.js';
import { upsertBatch, columnsOf } from './upsert.js';

export const SEQUENCE_ROW = 'events';

export interface PublishResult {
  /** Batch rows published by the pass. */
  count: number;
  /** Integrations that got events. */
  integrationIds: string[];
}

/** One pass over at most `limit` batch rows; `count` 0 when there was nothing to publish. */
export async function publishEvents(ds: DataSource, limit: number): Promise<PublishResult> {
  const sqlite = ds.options.type === 'better-sqlite3';
  const pass = (em: EntityManager) => publishPass(em, limit, sqlite);
  // READ COMMITTED: each statement sees what committed before it, and takes no gap locks.
  return sqlite ? await ds.transaction(pass) : await ds.transaction('READ COMMITTED', pass);
}

async function publishPass(em: EntityManager, limit: number, sqlite: boolean): Promise<PublishResult> {
  const counter = await lockedCounter(em, sqlite);
  const rows = await em.getRepository(EventBatchEntity).find({
    select: { id: true, integrationId: true, count: true },
    where: { seq: IsNull() },
    order: { id: 'ASC' },
    take: limit,
  });
  if (rows.length === 0) return { count: 0, integrationIds: [] };
  const seq = counter.lastSeq + 1;
  await em.getRepository(EventSequenceEntity).update({ id: SEQUENCE_ROW }, { lastSeq: seq });
  await em.getRepository(EventBatchEntity).update({ id: In(rows.map((r) => r.id)), seq: IsNull() }, { seq });
  // Rows come in id order: the last one of an integration is its newest.
  const heads = new Map<string, { id: string; index: number }>();
  for (const r of rows) heads.set(r.integrationId, { id: r.id, index: r.count - 1 });
  const deliveries = em.getRepository(EventDeliveryEntity);
  await upsertBatch(
    deliveries,
    [...heads]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([integrationId, head]) => ({
        integrationId,
        headSeq: seq,
        headId: head.id,
        headIndex: head.index,
        updatedAt: new Date(),
      })),
    columnsOf(deliveries, ['integrationId']),
    columnsOf(deliveries, ['headSeq', 'headId', 'headIndex', 'updatedAt']),
  );
  return { count: rows.length, integrationIds: [...heads.keys()] };
}

/** The counter row, locked; made (from the highest number in use) when it is missing. */
async function lockedCounter(em: EntityManager, sqlite: boolean): Promise<EventSequenceEntity> {
  const read = () =>
    em.getRepository(EventSequenceEntity).findOne({
      where: { id: SEQUENCE_ROW },
      ...(sqlite ? {} : { lock: { mode: 'pessimistic_write' as const } }),
    });
  const found = await read();
  if (found) return found;
  const [top] = await em.query<{ top: number | string | null }[]>('SELECT MAX(seq) AS top FROM event_batches');
  await em
    .createQueryBuilder()
    .insert()
    .into(EventSequenceEntity)
    .values({ id: SEQUENCE_ROW, lastSeq: Number(top?.top ?? 0) })
    .orIgnore()
    .execute();
  return (await read())!;
}
