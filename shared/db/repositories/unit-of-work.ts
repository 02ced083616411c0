import type { DataSource } from 'typeorm';
import { BookingDeclineRepository } from './booking-decline.repository.js';
import { BookingRepository } from './booking.repository.js';
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
  /** The change's events: written here, they commit with it (the events outbox). */
  events: Pick<EventRepository, 'add'>;
}

/**
 * Runs `fn` in one database transaction: everything it writes commits together or not at all.
 * `onEventsCommitted` hears, after the commit, that the transaction wrote events.
 */
export async function inTransaction<T>(
  ds: DataSource,
  fn: (tx: SyncUnitOfWork) => Promise<T>,
  onEventsCommitted?: () => void,
): Promise<T> {
  let events: EventRepository | undefined;
  const value = await ds.transaction(async (em) => {
    events = new EventRepository(em);
    return await fn({
      users: new UserRepository(em),
      rooms: new RoomRepository(em),
      syncStates: new SyncStateRepository(em),
      syncRuns: new SyncRunRepository(em),
      bookings: new BookingRepository(em),
      bookingDeclines: new BookingDeclineRepository(em),
      events,
    });
  });
  if (events?.written.size) onEventsCommitted?.();
  return value;
}
