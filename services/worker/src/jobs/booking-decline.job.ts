import type { SecretBox } from '@ones-m365/shared/crypto';
import type {
  BookingDeclineRepository,
  IntegrationRepository,
  Repositories,
  RoomRepository,
} from '@ones-m365/shared/db';
import { AppError } from '@ones-m365/shared/errors';
import type { GraphClient, RequestLanes } from '@ones-m365/shared/graph';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import type { Coordination } from '@ones-m365/shared/sync';
import { drainDeclines } from '../bookings/drain-declines.js';
import { takeRoomLease } from '../bookings/room-lease.js';
import type { JobHandler } from './job-handler.js';

export interface BookingDeclineDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  rooms: Pick<RoomRepository, 'byIds'>;
  bookingDeclines: Pick<BookingDeclineRepository, 'pending'>;
  transaction: Repositories['transaction'];
  coordination: Pick<Coordination, 'acquireLock'>;
  graph: Pick<GraphClient, 'declineEvent'>;
  secretBox: SecretBox;
  /** The calendars queue's Graph request lanes (request-lanes.ts). */
  requestLanes?: RequestLanes;
  lockLeaseMs: number;
}

/**
 * A room's pending declines, sent once Graph stopped throttling the mailbox: under the room's
 * stream lease (a calendar run holding it → the job waits, delayed); Graph's Retry-After delays
 * it again without using an attempt; other passing failures back off (the job's attempts).
 */
export function bookingDeclineJob(deps: BookingDeclineDeps): JobHandler<'booking.decline'> {
  return {
    name: 'booking.decline',
    async handle(payload, ctx) {
      const integration = await deps.integrations.get(payload.integrationId);
      const [room] = integration ? await deps.rooms.byIds(payload.integrationId, [payload.roomId]) : [];
      if (!integration || !room) return { skipped: 'integration or room gone' };
      const lock = await takeRoomLease(deps.coordination, payload, deps.lockLeaseMs, 0);
      if (!lock) return ctx.delay(Date.now() + 500 + Math.floor(Math.random() * 1500));
      try {
        const result = await drainDeclines(
          deps,
          toGraphConnection(integration, deps.secretBox, { lanes: deps.requestLanes }),
          room,
          lock,
        );
        if (result.retry?.retryAfterMs != null) {
          ctx.logger.warn('graph throttled the room mailbox; declines delayed', {
            retryAfterMs: result.retry.retryAfterMs,
          });
          return await ctx.delay(Date.now() + result.retry.retryAfterMs);
        }
        if (result.retry)
          throw new AppError('decline_deferred', 'Microsoft Graph could not take the declines now; retrying', 503, {
            retryable: true,
          });
        return { declined: result.declined, notFound: result.notFound, failed: result.failed };
      } finally {
        await lock.release();
      }
    },
  };
}
