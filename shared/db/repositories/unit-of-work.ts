import type { DataSource } from 'typeorm';
import { BookingDeclineRepository } from './booking-decline.repository.js';
import { BookingRepository } from './booking.repository.js';
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
}

/** Runs `fn` in one database transaction: everything it writes commits together or not at all. */
export async function inTransaction<T>(ds: DataSource, fn: (tx: SyncUnitOfWork) => Promise<T>): Promise<T> {
  return await ds.transaction(async (em) =>
    fn({
      users: new UserRepository(em),
      rooms: new RoomRepository(em),
      syncStates: new SyncStateRepository(em),
      syncRuns: new SyncRunRepository(em),
      bookings: new BookingRepository(em),
      bookingDeclines: new BookingDeclineRepository(em),
    }),
  );
}
