/**
 * Per-integration delivery state (EventDeliveryEntity). Every change of the cursor is a
 * compare-and-set on the cursor the caller read, so two deliveries of one integration that
 * overlap (a job judged stalled and run again) cannot move it backwards or twice.
 */
import { type DataSource, type EntityManager, type Repository } from 'typeorm';
import { EventDeliveryEntity } from '../entities/index.js';
import type { EventPosition } from './event.repository.js';

export interface DeliveryFailure {
  attempts: number;
  failingSince: Date;
  nextAttemptAt: Date;
  lastError: string;
}

export const cursorOf = (d: Pick<EventDeliveryEntity, 'cursorSeq' | 'cursorId' | 'cursorIndex'>): EventPosition => ({
  seq: d.cursorSeq,
  batch: d.cursorId,
  index: d.cursorIndex,
});

/** (head) > (cursor), in SQL: the integration has published events past its cursor. */
const PENDING =
  '(d.headSeq > d.cursorSeq OR (d.headSeq = d.cursorSeq AND (d.headId > d.cursorId OR (d.headId = d.cursorId AND d.headIndex > d.cursorIndex))))';

export class EventDeliveryRepository {
  private readonly repo: Repository<EventDeliveryEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(EventDeliveryEntity);
  }

  async get(integrationId: string): Promise<EventDeliveryEntity | null> {
    return await this.repo.findOne({ where: { integrationId } });
  }

  async list(): Promise<EventDeliveryEntity[]> {
    return await this.repo.find({ order: { integrationId: 'ASC' } });
  }

  /** Integrations with events to deliver whose next attempt is due. */
  async due(now: Date): Promise<string[]> {
    const rows = await this.repo
      .createQueryBuilder('d')
      .select(['d.integrationId'])
      .where(PENDING)
      .andWhere('(d.nextAttemptAt IS NULL OR d.nextAttemptAt <= :now)', { now })
      .getMany();
    return rows.map((r) => r.integrationId);
  }

  /** The receiver acknowledged the events from `from` (exclusive) to `to` (event `toId`); the failing streak, if any, ends. */
  async acknowledged(
    integrationId: string,
    from: EventPosition,
    to: EventPosition & { eventId: string },
    count: number,
    at: Date,
  ): Promise<boolean> {
    return await this.moveCursor(integrationId, from, to, {
      attempts: 0,
      failingSince: null,
      nextAttemptAt: null,
      lastError: null,
      lastDeliveredAt: at,
      deliveredTotal: () => `delivered_total + ${Math.trunc(count)}`,
    });
  }

  /** Gives up on the events from `from` (exclusive) to `to`: `afterId` is where a replay of them starts (null: the oldest). */
  async gaveUp(
    integrationId: string,
    from: EventPosition,
    to: EventPosition & { eventId: string },
    given: { count: number; at: Date; afterId: string | null },
  ): Promise<boolean> {
    return await this.moveCursor(integrationId, from, to, {
      givenUpTotal: () => `given_up_total + ${Math.trunc(given.count)}`,
      givenUpAt: given.at,
      givenUpAfter: given.afterId,
      givenUpCount: given.count,
    });
  }

  async failed(integrationId: string, f: DeliveryFailure): Promise<void> {
    await this.repo.update({ integrationId }, { ...f, lastError: f.lastError.slice(0, 1000), updatedAt: new Date() });
  }

  private async moveCursor(
    integrationId: string,
    from: EventPosition,
    to: EventPosition & { eventId: string },
    set: Record<string, unknown>,
  ): Promise<boolean> {
    const r = await this.repo
      .createQueryBuilder()
      .update(EventDeliveryEntity)
      .set({
        ...set,
        cursorSeq: to.seq,
        cursorId: to.batch,
        cursorIndex: to.index,
        cursorEventId: to.eventId,
        updatedAt: new Date(),
      })
      .where('integration_id = :integrationId AND cursor_seq = :seq AND cursor_id = :batch AND cursor_index = :index', {
        integrationId,
        ...from,
      })
      .execute();
    return (r.affected ?? 0) > 0;
  }
}
