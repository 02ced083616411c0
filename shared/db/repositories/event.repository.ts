/**
 * The events outbox (EventEntity): what a change writes in its own transaction (`add`, one
 * INSERT for a page's events), and what replay and delivery read: published events in
 * (seq, id) order after a position.
 */
import { In, LessThan, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { EventEntity, type EventType } from '../entities/index.js';
import { eventIdFloor, newEventId } from './event-id.js';
import { fastInsertBatch } from './upsert.js';

/** A change's event, as its writer gives it: `data` is the resource as the API shows it. */
export interface NewEvent {
  type: EventType;
  integrationId: string;
  data: unknown;
}

/** Where an event stands in the published order. */
export interface EventPosition {
  seq: number;
  id: string;
}

/** Before every published event. */
export const START: EventPosition = { seq: 0, id: '' };

export interface PublishedFilter {
  after?: EventPosition;
  integrationId?: string;
  type?: EventType;
  /** Only events made at or after this time. */
  since?: Date;
  limit: number;
}

/** Rows per INSERT statement: 5 values each, far below either database's limit on parameters. */
const INSERT_CHUNK = 1_000;

export class EventRepository {
  private readonly repo: Repository<EventEntity>;
  /** Integrations this repository wrote events for (a transaction's writes, for its commit hook). */
  readonly written = new Set<string>();

  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(EventEntity);
  }

  /** Writes the events in the order given, each with a new id; one statement per 1,000. */
  async add(events: readonly NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const occurredAt = new Date();
    const rows = events.map((e) => ({
      id: newEventId(occurredAt.getTime()),
      integrationId: e.integrationId,
      type: e.type,
      occurredAt,
      data: JSON.stringify(e.data),
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      await fastInsertBatch(this.repo, rows.slice(i, i + INSERT_CHUNK));
    for (const e of events) this.written.add(e.integrationId);
  }

  /** Published events after `after`, oldest first. */
  async published(f: PublishedFilter): Promise<EventEntity[]> {
    const qb = this.repo.createQueryBuilder('e').where('e.seq IS NOT NULL');
    if (f.after) qb.andWhere('e.seq >= :seq AND (e.seq > :seq OR e.id > :id)', f.after);
    if (f.integrationId) qb.andWhere('e.integrationId = :integrationId', { integrationId: f.integrationId });
    if (f.type) qb.andWhere('e.type = :type', { type: f.type });
    if (f.since) qb.andWhere('e.id >= :floor', { floor: eventIdFloor(f.since) });
    return await qb.orderBy('e.seq', 'ASC').addOrderBy('e.id', 'ASC').limit(f.limit).getMany();
  }

  /** A published event's position (null: no such event, or not published yet). */
  async position(id: string): Promise<EventPosition | null> {
    const row = await this.repo.findOne({ select: { id: true, seq: true }, where: { id } });
    return row && row.seq !== null ? { seq: row.seq, id: row.id } : null;
  }

  /** How many of the integration's published events come after `after`. */
  async countAfter(integrationId: string, after: EventPosition, through?: EventPosition): Promise<number> {
    const qb = this.repo
      .createQueryBuilder('e')
      .where('e.integrationId = :integrationId', { integrationId })
      .andWhere('e.seq >= :seq AND (e.seq > :seq OR e.id > :id)', after);
    if (through) qb.andWhere('e.seq <= :tseq AND (e.seq < :tseq OR e.id <= :tid)', { tseq: through.seq, tid: through.id });
    return await qb.getCount();
  }

  /** The integration's last published event after `after` that occurred at or before `cutoff`. */
  async lastOccurredBy(integrationId: string, after: EventPosition, cutoff: Date): Promise<EventPosition | null> {
    const row = await this.repo
      .createQueryBuilder('e')
      .select(['e.seq', 'e.id'])
      .where('e.integrationId = :integrationId', { integrationId })
      .andWhere('e.seq >= :seq AND (e.seq > :seq OR e.id > :id)', after)
      .andWhere('e.occurredAt <= :cutoff', { cutoff })
      .orderBy('e.seq', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(1)
      .getOne();
    return row && row.seq !== null ? { seq: row.seq, id: row.id } : null;
  }

  /** Deletes events made before `before` (ids tell their age), `batch` at a time by primary key. */
  async pruneBefore(before: Date, batch = 5_000): Promise<number> {
    const floor = eventIdFloor(before);
    let deleted = 0;
    for (;;) {
      const ids = (
        await this.repo.find({ select: { id: true }, where: { id: LessThan(floor) }, order: { id: 'ASC' }, take: batch })
      ).map((r) => r.id);
      if (ids.length === 0) return deleted;
      deleted += (await this.repo.delete({ id: In(ids) })).affected ?? ids.length;
    }
  }
}
