/**
 * Declines, one per version of a room's event: recorded before Graph is called (insert-if-absent on
 * the unique version key, so a second recording of the same version finds the first), then settled
 * with Graph's answer. Callers hold the room's stream lease.
 */
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { BookingDeclineEntity, type DeclineStatus } from '../entities/index.js';
import { findRows } from './simple-find.js';

export type DeclineIntent = Pick<
  BookingDeclineEntity,
  | 'integrationId'
  | 'roomId'
  | 'bookingId'
  | 'graphEventId'
  | 'changeKey'
  | 'seriesMasterId'
  | 'reason'
  | 'rule'
  | 'comment'
>;

export class BookingDeclineRepository {
  private readonly repo: Repository<BookingDeclineEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(BookingDeclineEntity);
  }

  /** Records each intent unless its version is recorded already; returns the stored row of each, in order. */
  async record(intents: DeclineIntent[]): Promise<BookingDeclineEntity[]> {
    if (intents.length === 0) return [];
    const key = (d: Pick<DeclineIntent, 'graphEventId' | 'changeKey'>) => `${d.graphEventId}\n${d.changeKey}`;
    const roomId = intents[0]!.roomId;
    const existing = async () =>
      new Map(
        (
          await this.repo.find({
            where: { roomId, graphEventId: In([...new Set(intents.map((d) => d.graphEventId))]) },
          })
        ).map((r) => [key(r), r]),
      );
    const known = await existing();
    const now = new Date();
    const fresh = new Map<string, BookingDeclineEntity>();
    for (const d of intents) {
      if (known.has(key(d)) || fresh.has(key(d))) continue;
      fresh.set(key(d), {
        ...d,
        id: randomUUID(),
        status: 'pending',
        attempts: 0,
        lastError: null,
        answeredAt: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    if (fresh.size)
      await this.repo
        .createQueryBuilder()
        .insert()
        .into(BookingDeclineEntity)
        .values([...fresh.values()])
        .orIgnore()
        .updateEntity(false)
        .execute();
    const all = fresh.size ? await existing() : known;
    return intents.map((d) => all.get(key(d))!);
  }

  /** The room's declines not yet answered by Graph, oldest first. */
  async pending(roomId: string): Promise<BookingDeclineEntity[]> {
    return await findRows(this.repo, { roomId, status: 'pending' }, { order: [['createdAt', 'ASC']] });
  }

  async get(id: string): Promise<BookingDeclineEntity | null> {
    return await this.repo.findOne({ where: { id } });
  }

  /** Graph's answer: declined, not found (already gone), or failed for good. */
  async settle(id: string, status: Exclude<DeclineStatus, 'pending'>, error: string | null, at: Date): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ status, lastError: error, answeredAt: at, attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .execute();
  }

  /** An attempt Graph did not take (throttled, unavailable): stays pending for the next one. */
  async retryLater(id: string, error: string): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ lastError: error, attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .execute();
  }

  /** Every decline recorded for a booking (newest first). */
  async forBooking(bookingId: string): Promise<BookingDeclineEntity[]> {
    return await this.repo.find({ where: { bookingId }, order: { createdAt: 'DESC' } });
  }
}
