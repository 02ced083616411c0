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

export const cursorOf = (d: Pick<EventDeliveryEntity, 'cursorSeq' | 'cursorId'>): EventPosition => ({
  seq: d.cursorSeq,
  id: d.cursorId,
});

/** Whether the integration has published events past its cursor. */
export const hasPending = (d: Pick<EventDeliveryEntity, 'cursorSeq' | 'cursorId' | 'headSeq' | 'headId'>): boolean =>
  d.headSeq > d.cursorSeq || (d.headSeq === d.cursorSeq && d.headId > d.cursorId);

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
      .select(['d.integrationId', 'd.headSeq', 'd.headId', 'd.cursorSeq', 'd.cursorId'])
      .where('(d.headSeq > d.cursorSeq OR (d.headSeq = d.cursorSeq AND d.headId > d.cursorId))')
      .andWhere('(d.nextAttemptAt IS NULL OR d.nextAttemptAt <= :now)', { now })
      .getMany();
    return rows.map((r) => r.integrationId);
  }

  /** The receiver acknowledged the events from `from` (exclusive) to `to`; the failing streak, if any, ends. */
  async acknowledged(integrationId: string, from: EventPosition, to: EventPosition, count: number, at: Date) {
    return await this.moveCursor(integrationId, from, to, {
      attempts: 0,
      failingSince: null,
      nextAttemptAt: null,
      lastError: null,
      lastDeliveredAt: at,
      deliveredTotal: () => `delivered_total + ${Math.trunc(count)}`,
    });
  }

  /** Gives up on the events from `from` (exclusive) to `to`: `afterId` is where a replay of them starts. */
  async gaveUp(
    integrationId: string,
    from: EventPosition,
    to: EventPosition,
    given: { count: number; at: Date; afterId: string },
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
    to: EventPosition,
    set: Record<string, unknown>,
  ): Promise<boolean> {
    const r = await this.repo
      .createQueryBuilder()
      .update(EventDeliveryEntity)
      .set({ ...set, cursorSeq: to.seq, cursorId: to.id, updatedAt: new Date() } as never)
      .where('integration_id = :integrationId AND cursor_seq = :seq AND cursor_id = :id', {
        integrationId,
        seq: from.seq,
        id: from.id,
      })
      .execute();
    return (r.affected ?? 0) > 0;
  }
}
