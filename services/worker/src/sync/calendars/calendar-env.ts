/** What a room's calendar round works with: its stores (narrowed), Graph, its run and its room. */
import type {
  BookingRepository,
  Repositories,
  RoomEntity,
  SyncRunEntity,
  SyncStateRepository,
} from '@ones-m365/shared/db';
import type { GraphClient, GraphConnection } from '@ones-m365/shared/graph';
import type { HeldLock, StreamKey } from '@ones-m365/shared/sync';
import type { RunContext } from '../runner/run-context.js';
import type { WindowDays } from './calendar-window.js';

export interface CalendarStore {
  bookings: Pick<BookingRepository, 'storedByEventIds'>;
  syncStates: Pick<SyncStateRepository, 'get' | 'save'>;
  transaction: Repositories['transaction'];
}

export type CalendarGraph = Pick<GraphClient, 'calendarViewDelta'>;

export interface CalendarEnv {
  store: CalendarStore;
  graph: CalendarGraph;
  conn: GraphConnection;
  ctx: RunContext;
  run: SyncRunEntity;
  lock: HeldLock;
  room: Pick<RoomEntity, 'id' | 'integrationId' | 'email'>;
  stream: StreamKey;
  windowDays: WindowDays;
  /** Events per calendarView page (`Prefer: odata.maxpagesize`). */
  pageSize: number;
  now(): Date;
  graphRequests(): number;
}
