import type { DataSource } from 'typeorm';
import { BookingDeclineRepository } from './booking-decline.repository.js';
import { BookingRepository } from './booking.repository.js';
import { EventBatcher, type NewEvent } from './event-batches.js';
import { EventRepository } from './event.repository.js';
import { RoomRepository } from './room.repository.js';
import { SyncRunRepository } from './sync-run.repository.js';
import { SyncStateRepository } from './sync-state.repository.js';
import { UserRepository } from './user.repository.js';

/** The repositories one sync page writes through, bound to one transaction. */
export interface SyncUnitOfWork {
  users: UserRepository;
  rooms: RoomRepository;
  syncStates: SyncStateRepository;
  syncRuns: SyncRunRepository;
  bookings: BookingRepository;
  bookingDeclines: BookingDeclineRepository;
  /** The change's events: written here, they commit with it (the events outbox), as one INSERT at its end. */
  events: Pick<EventRepository, 'add'>;
}

/**
 * A transaction's events: each `add` gives its events their ids (so their order) and a snapshot
 * of their data at once; when the transaction's work is done, just before the commit, all of them
 * are made into batch rows together (a transaction's events share their rows: a page's and its
 * run's end alike) and inserted as one statement. Their time is the transaction's first `add`.
 */
class TransactionEvents implements Pick<EventRepository, 'add'> {
  private batcher: EventBatcher | null = null;

  add(events: readonly NewEvent[]): Promise<void> {
    if (events.length > 0) (this.batcher ??= new EventBatcher(new Date())).add(events);
    return Promise.resolve();
  }

  async flush(into: EventRepository): Promise<void> {
    if (this.batcher) await into.insert(await this.batcher.rows());
  }
}

/**
 * Runs `fn` in one database transaction: everything it writes commits together or not at all,
 * its events in one INSERT at its end. `onEventsCommitted` hears, after the commit, that the
 * transaction wrote events.
 */
export async function inTransaction<T>(
  ds: DataSource,
  fn: (tx: SyncUnitOfWork) => Promise<T>,
  onEventsCommitted?: () => void,
): Promise<T> {
  let events: EventRepository | undefined;
  const value = await ds.transaction(async (em) => {
    const buffered = new TransactionEvents();
    const result = await fn({
      users: new UserRepository(em),
      rooms: new RoomRepository(em),
      syncStates: new SyncStateRepository(em),
      syncRuns: new SyncRunRepository(em),
      bookings: new BookingRepository(em),
      bookingDeclines: new BookingDeclineRepository(em),
      events: buffered,
    });
    events = new EventRepository(em);
    await buffered.flush(events);
    return result;
  });
  if (events?.written.size) onEventsCommitted?.();
  return value;
}
