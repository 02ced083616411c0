/** What a room's calendar round works with: its stores (narrowed), Graph, its run and its room. */
import type {
  BookingDeclineRepository,
  BookingRepository,
  Repositories,
  RoomEntity,
  SyncRunEntity,
  SyncStateRepository,
} from '@ones-m365/shared/db';
import type { GraphClient, GraphConnection } from '@ones-m365/shared/graph';
import type { HeldLock, StreamKey } from '@ones-m365/shared/sync';
import type { RunContext } from '../runner/run-context.js';
import type { RunScope } from '../runner/run-sync-job.js';
import type { Producer } from '@ones-m365/shared/queue';
import type { CalendarPolicyEnv } from './calendar-policy.js';
import type { WindowDays } from './calendar-window.js';

export interface CalendarStore {
  bookings: Pick<BookingRepository, 'storedByEventIds' | 'pageStored' | 'holding'>;
  bookingDeclines: Pick<BookingDeclineRepository, 'pending'>;
  syncStates: Pick<SyncStateRepository, 'get' | 'save'>;
  transaction: Repositories['transaction'];
}

export type CalendarGraph = Pick<GraphClient, 'calendarViewDelta' | 'declineEvent' | 'getEvent' | 'seriesInstances'>;

export interface CalendarEnv {
  store: CalendarStore;
  graph: CalendarGraph;
  conn: GraphConnection;
  ctx: RunContext;
  run: SyncRunEntity;
  lock: HeldLock;
  room: Pick<RoomEntity, 'id' | 'integrationId' | 'email' | 'capacity'>;
  /** The booking policy as it applies in this room (null: none saved, or off). */
  policy: CalendarPolicyEnv;
  /** Where a throttled mailbox's declines are handed on (the `booking.decline` job). */
  producer: Pick<Producer, 'enqueue'>;
  stream: StreamKey;
  windowDays: WindowDays;
  /** Events per calendarView page (`Prefer: odata.maxpagesize`). */
  pageSize: number;
  now(): Date;
  graphRequests(): number;
  /** Whether declines were left pending when the run began (read beside its first request). */
  declinesPending: Promise<boolean>;
  /**
   * Ends the run in the round's last page's transaction, when nothing is left to do after it (no
   * declines to send): the runner's `finishIn`.
   */
  finishIn: RunScope['finishIn'];
}
