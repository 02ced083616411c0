import type { DataSource } from 'typeorm';
import { BookingDeclineRepository } from './booking-decline.repository.js';
import { BookingPolicyRepository } from './booking-policy.repository.js';
import { BookingRepository } from './booking.repository.js';
import { EventDeliveryRepository } from './event-delivery.repository.js';
import { EventRepository } from './event.repository.js';
import { GraphSubscriptionRepository } from './graph-subscription.repository.js';
import { GroupRepository } from './group.repository.js';
import { IntegrationRepository } from './integration.repository.js';
import { RoomRepository } from './room.repository.js';
import { SyncRunRepository } from './sync-run.repository.js';
import { SyncStateRepository } from './sync-state.repository.js';
import { inTransaction, type SyncUnitOfWork } from './unit-of-work.js';
import { UserRepository } from './user.repository.js';

/**
 * Every repository over one database, built once by a composition root; code below it receives
 * `Pick<>`s of what it uses (so a unit test's fake is a few methods, not a database).
 */
export interface Repositories {
  integrations: IntegrationRepository;
  rooms: RoomRepository;
  users: UserRepository;
  groups: GroupRepository;
  syncStates: SyncStateRepository;
  syncRuns: SyncRunRepository;
  subscriptions: GraphSubscriptionRepository;
  bookings: BookingRepository;
  events: EventRepository;
  eventDeliveries: EventDeliveryRepository;
  bookingDeclines: BookingDeclineRepository;
  bookingPolicies: BookingPolicyRepository;
  /** One transaction: what `fn` writes through `tx` commits together or not at all. */
  transaction<T>(fn: (tx: SyncUnitOfWork) => Promise<T>): Promise<T>;
}

export interface RepositoryOptions {
  /** Called after a `transaction` that wrote events committed (the worker wakes its publisher). */
  onEventsCommitted?: () => void;
}

export function createRepositories(ds: DataSource, opts: RepositoryOptions = {}): Repositories {
  return {
    integrations: new IntegrationRepository(ds),
    rooms: new RoomRepository(ds),
    users: new UserRepository(ds),
    groups: new GroupRepository(ds),
    syncStates: new SyncStateRepository(ds),
    syncRuns: new SyncRunRepository(ds),
    subscriptions: new GraphSubscriptionRepository(ds),
    bookings: new BookingRepository(ds),
    events: new EventRepository(ds),
    eventDeliveries: new EventDeliveryRepository(ds),
    bookingDeclines: new BookingDeclineRepository(ds),
    bookingPolicies: new BookingPolicyRepository(ds),
    transaction: (fn) => inTransaction(ds, fn, opts.onEventsCommitted),
  };
}
