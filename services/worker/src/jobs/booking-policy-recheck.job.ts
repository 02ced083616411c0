import { parseStoredPolicy, policyForRoom } from '@ones-m365/shared/bookings';
import type { SecretBox } from '@ones-m365/shared/crypto';
import type {
  BookingDeclineRepository,
  BookingPolicyRepository,
  BookingRepository,
  IntegrationRepository,
  Repositories,
  RoomRepository,
} from '@ones-m365/shared/db';
import { AppError } from '@ones-m365/shared/errors';
import type { GraphClient, RequestLanes } from '@ones-m365/shared/graph';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import type { Coordination } from '@ones-m365/shared/sync';
import { drainDeclines } from '../bookings/drain-declines.js';
import type { PolicyFactsDeps } from '../bookings/policy-facts.js';
import { recheckRoom, type RecheckItem } from '../bookings/recheck-room.js';
import { takeRoomLease } from '../bookings/room-lease.js';
import type { JobHandler } from './job-handler.js';

export interface BookingPolicyRecheckDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  rooms: Pick<RoomRepository, 'activeIds' | 'byIds'>;
  bookingPolicies: Pick<BookingPolicyRepository, 'get'>;
  bookings: Pick<BookingRepository, 'forRecheck' | 'holding'>;
  bookingDeclines: Pick<BookingDeclineRepository, 'pending' | 'forBooking'>;
  transaction: Repositories['transaction'];
  coordination: Pick<Coordination, 'acquireLock'>;
  graph: Pick<GraphClient, 'declineEvent'> & PolicyFactsDeps['graph'];
  users: PolicyFactsDeps['users'];
  groups: PolicyFactsDeps['groups'];
  secretBox: SecretBox;
  /** The calendars queue's Graph request lanes (request-lanes.ts). */
  requestLanes?: RequestLanes;
  lockLeaseMs: number;
  now?: () => Date;
}

/** How long a recheck waits for a room's calendar run to let go of the room. */
const LEASE_WAIT_MS = 30_000;

/**
 * `POST …/booking-policy/recheck`: today's policy applied to the future bookings of every synced
 * room in [from, to). The result lists each booking that breaks it, with what happened: `would
 * decline` (dry run), `declined`, `already gone` (404), `pending` (the mailbox is throttled: the
 * room's next run or the decline job sends it), `failed`, or `recorded` (audit mode).
 */
export function bookingPolicyRecheckJob(deps: BookingPolicyRecheckDeps): JobHandler<'booking-policy.recheck'> {
  return {
    name: 'booking-policy.recheck',
    async handle(payload, ctx) {
      const integration = await deps.integrations.get(payload.integrationId);
      const stored = integration ? await deps.bookingPolicies.get(payload.integrationId) : null;
      if (!integration || !stored) return { dryRun: payload.dryRun, checked: 0, items: [] };
      const policy = parseStoredPolicy(stored.policy);
      const now = deps.now?.() ?? new Date();
      const from = payload.from && new Date(payload.from) > now ? new Date(payload.from) : now;
      const to = payload.to ? new Date(payload.to) : null;
      const conn = toGraphConnection(integration, deps.secretBox, { lanes: deps.requestLanes });
      const rooms = await deps.rooms.byIds(
        payload.integrationId,
        (await deps.rooms.activeIds(payload.integrationId)).map((r) => r.id),
      );
      const items: (RecheckItem & { outcome: string })[] = [];
      let checked = 0;
      for (const room of rooms) {
        const rp = policyForRoom(policy, room.email);
        if (!rp.enabled) continue;
        const lock = payload.dryRun
          ? null
          : await takeRoomLease(
              deps.coordination,
              { integrationId: room.integrationId, roomId: room.id },
              deps.lockLeaseMs,
              LEASE_WAIT_MS,
            );
        if (!payload.dryRun && !lock)
          throw new AppError('room_busy', `room ${room.email} stayed busy; the recheck is retried`, 503, {
            retryable: true,
          });
        try {
          const facts = { users: deps.users, groups: deps.groups, graph: deps.graph };
          const r = await recheckRoom({ ...deps, facts }, conn, room, rp, { from, to }, !payload.dryRun);
          checked += r.checked;
          if (lock && rp.mode === 'enforce' && r.items.length) await drainDeclines(deps, conn, room, lock);
          for (const it of r.items) items.push({ ...it, outcome: await outcomeOf(deps, it, payload.dryRun, rp.mode) });
        } finally {
          await lock?.release();
        }
        await ctx.progress({ rooms: rooms.indexOf(room) + 1, of: rooms.length, checked, violations: items.length });
      }
      return { dryRun: payload.dryRun, checked, items };
    },
  };
}

async function outcomeOf(
  deps: Pick<BookingPolicyRecheckDeps, 'bookingDeclines'>,
  item: RecheckItem,
  dryRun: boolean,
  mode: 'enforce' | 'audit',
): Promise<string> {
  if (dryRun) return mode === 'enforce' ? 'would_decline' : 'would_record';
  if (mode === 'audit') return 'recorded';
  const [latest] = await deps.bookingDeclines.forBooking(item.bookingId);
  return latest?.status ?? 'pending';
}
