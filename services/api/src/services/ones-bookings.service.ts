/**
 * Bookings made in ONES (contract: Bookings), written to Outlook through Graph:
 *
 * - **Where**: when the organizer is an active synced user, in the organizer's calendar with the
 *   room as a resource attendee (it is their meeting in Outlook, the room mailbox gets the request
 *   and its copy lands in the room's calendar); otherwise in the room's own calendar (the room
 *   organizes it; invitees get the invitation from the room). The copy written carries the
 *   booking id as an extended property and `transactionId` (a retried create is one event).
 * - **Checks**, under the room's stream lease (no calendar run imports the room meanwhile, and
 *   two ONES bookings of one slot are made one after the other): the room's policy (422
 *   `policy_violation` naming the rule, in enforce mode; recorded on the booking in audit mode),
 *   then conflicts (409) against the mirror and against the room's free/busy at Graph (the mirror
 *   can be seconds behind), unless the policy allows conflicts.
 * - **Recognised on the way back**: the row is stored before the write (its event id a
 *   placeholder until the room's copy is known), so the room's delta finds it by iCalUId and
 *   never imports it twice or checks it again.
 * - **Release**: the room declines the meeting with the release message (a room-organized one is
 *   cancelled by the room), once per version, and the booking shows `released`.
 */
import { randomUUID } from 'node:crypto';
import {
  countInvited,
  evaluateBooking,
  parseStoredPolicy,
  policyForRoom,
  releaseComment,
  sendDecline,
  type RoomPolicy,
} from '@ones-m365/shared/bookings';
import type { SecretBox } from '@ones-m365/shared/crypto';
import {
  HOLDING_STATUSES,
  PENDING_EVENT_PREFIX,
  type BookingDeclineRepository,
  type BookingPolicyRepository,
  type BookingRepository,
  type GroupRepository,
  type IntegrationEntity,
  type IntegrationRepository,
  type Repositories,
  type RoomBookingEntity,
  type RoomEntity,
  type RoomRepository,
  type UserRepository,
} from '@ones-m365/shared/db';
import { AppError, ConflictError, NotFoundError, UnprocessableError } from '@ones-m365/shared/errors';
import { GraphNotFoundError, type GraphClient, type GraphConnection } from '@ones-m365/shared/graph';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import type { Producer } from '@ones-m365/shared/queue';
import { formatStreamKey, type Coordination, type HeldLock } from '@ones-m365/shared/sync';
import { existingIntegration } from './existing-integration.js';

export interface OnesBookingsDeps {
  integrations: Pick<IntegrationRepository, 'get'>;
  rooms: Pick<RoomRepository, 'byIds' | 'byEmails'>;
  users: Pick<UserRepository, 'activeByEmails'>;
  groups: Pick<GroupRepository, 'list'>;
  bookings: Pick<BookingRepository, 'get' | 'insert' | 'patch' | 'remove' | 'holding'>;
  bookingPolicies: Pick<BookingPolicyRepository, 'get'>;
  bookingDeclines: Pick<BookingDeclineRepository, 'record'>;
  transaction: Repositories['transaction'];
  graph: Pick<
    GraphClient,
    'createEvent' | 'updateEvent' | 'cancelEvent' | 'getSchedule' | 'declineEvent' | 'eventsByICalUId'
  >;
  coordination: Pick<Coordination, 'acquireLock'>;
  producer: Pick<Producer, 'enqueue'>;
  secretBox: SecretBox;
  /** Lease of the room's stream lock while a booking is written (a calendar run's lease). */
  lockLeaseMs: number;
}

export interface NewBooking {
  roomId?: string | undefined;
  roomEmail?: string | undefined;
  subject: string;
  start: Date;
  end: Date;
  organizerEmail?: string | undefined;
  attendees?: string[] | undefined;
  body?: string | undefined;
}

export interface BookingChange {
  subject?: string | undefined;
  start?: Date | undefined;
  end?: Date | undefined;
  attendees?: string[] | undefined;
  body?: string | undefined;
}

/** How long a write waits for the room's calendar run to let go of the room. */
const LEASE_WAIT_MS = 10_000;
const CANCEL_COMMENT = 'This booking was cancelled in ONES.';

export type ReleaseResult = { booking: RoomBookingEntity; pending: boolean };

export class OnesBookingsService {
  constructor(private readonly deps: OnesBookingsDeps) {}

  async create(integrationId: string, input: NewBooking): Promise<RoomBookingEntity> {
    const integration = await existingIntegration(this.deps.integrations, integrationId);
    const room = await this.room(integrationId, input);
    const organizerEmail = input.organizerEmail?.toLowerCase() ?? null;
    const organizer = organizerEmail
      ? ((await this.deps.users.activeByEmails(integrationId, [organizerEmail])).get(organizerEmail) ?? null)
      : null;
    const mailbox = organizer ? (organizer.mail ?? organizer.userPrincipalName ?? room.email) : room.email;
    // An organizer who is no synced user is invited to the room's own meeting instead.
    const attendees = [
      ...new Set(
        [...(input.attendees ?? []), ...(organizerEmail && !organizer ? [organizerEmail] : [])].map((a) =>
          a.toLowerCase(),
        ),
      ),
    ];
    const conn = toGraphConnection(integration, this.deps.secretBox);
    return await this.underLease(integration, room, async () => {
      const policy = await this.policyOf(integrationId, room.email);
      const violation = await this.check(policy, room, {
        id: 'new',
        start: input.start,
        end: input.end,
        organizerEmail,
        organizerGroups: organizer?.groupIds ?? null,
        attendees,
      });
      await this.conflicts(conn, policy, room, { start: input.start, end: input.end });
      const id = randomUUID();
      const row = await this.deps.bookings.insert({
        id,
        integrationId,
        roomId: room.id,
        graphEventId: `${PENDING_EVENT_PREFIX}${id}`,
        iCalUId: null,
        seriesMasterId: null,
        type: 'singleInstance',
        changeKey: null,
        subject: input.subject.slice(0, 255),
        organizerEmail: organizerEmail ?? room.email.toLowerCase(),
        organizerName: null,
        startAt: input.start,
        endAt: input.end,
        isAllDay: false,
        status: 'confirmed',
        source: 'ones',
        seenRound: null,
        policyViolation: violation,
        declinedAt: null,
        bookedAt: new Date(),
        fingerprint: null,
        attendeeCount: countInvited(
          organizerEmail,
          attendees.map((address) => ({ address, type: 'required' })),
        ),
        writtenMailbox: mailbox.toLowerCase(),
        writtenEventId: null,
      });
      let ev;
      try {
        ev = await this.deps.graph.createEvent(conn, mailbox, {
          subject: input.subject,
          ...(input.body !== undefined ? { body: input.body } : {}),
          start: input.start,
          end: input.end,
          room: {
            email: room.email,
            name: room.displayName,
            asAttendee: mailbox.toLowerCase() !== room.email.toLowerCase(),
          },
          attendees,
          bookingId: id,
        });
      } catch (err) {
        await this.deps.bookings.remove(id);
        throw err;
      }
      const ownCalendar = mailbox.toLowerCase() === room.email.toLowerCase();
      const patch = {
        iCalUId: ev.iCalUId,
        writtenEventId: ev.id,
        organizerName: ev.organizer?.name ?? null,
        ...(ownCalendar ? { graphEventId: ev.id, changeKey: ev.changeKey } : {}),
      };
      await this.deps.bookings.patch(id, patch);
      return { ...row, ...patch };
    });
  }

  async update(integrationId: string, bookingId: string, change: BookingChange): Promise<RoomBookingEntity> {
    const integration = await existingIntegration(this.deps.integrations, integrationId);
    const booking = await this.onesBooking(integrationId, bookingId);
    const [room] = await this.deps.rooms.byIds(integrationId, [booking.roomId]);
    if (!room) throw new NotFoundError('Room');
    const start = change.start ?? booking.startAt;
    const end = change.end ?? booking.endAt;
    if (end <= start)
      throw new UnprocessableError('invalid_times', 'The booking must end after it starts', [
        { field: change.end ? 'body.end' : 'body.start', message: 'must leave the booking ending after it starts' },
      ]);
    const conn = toGraphConnection(integration, this.deps.secretBox);
    return await this.underLease(integration, room, async () => {
      const moved = change.start !== undefined || change.end !== undefined;
      let violation = booking.policyViolation;
      if (moved || change.attendees) {
        const policy = await this.policyOf(integrationId, room.email);
        const organizer = booking.organizerEmail
          ? ((await this.deps.users.activeByEmails(integrationId, [booking.organizerEmail])).get(
              booking.organizerEmail,
            ) ?? null)
          : null;
        violation = await this.check(policy, room, {
          id: booking.id,
          start,
          end,
          organizerEmail: booking.organizerEmail === room.email.toLowerCase() ? null : booking.organizerEmail,
          organizerGroups: organizer?.groupIds ?? null,
          attendees: change.attendees ?? [],
        });
        if (moved) await this.conflicts(conn, policy, room, { start, end }, booking);
      }
      const ev = await this.deps.graph.updateEvent(conn, booking.writtenMailbox!, booking.writtenEventId!, {
        ...(change.subject !== undefined ? { subject: change.subject } : {}),
        ...(change.body !== undefined ? { body: change.body } : {}),
        ...(moved ? { start, end } : {}),
        ...(change.attendees ? { attendees: [...new Set(change.attendees.map((a) => a.toLowerCase()))] } : {}),
        room: {
          email: room.email,
          name: room.displayName,
          asAttendee: booking.writtenMailbox !== room.email.toLowerCase(),
        },
      });
      const patch = {
        startAt: start,
        endAt: end,
        policyViolation: violation,
        ...(change.subject !== undefined ? { subject: change.subject.slice(0, 255) } : {}),
        ...(moved || change.attendees ? { bookedAt: new Date() } : {}),
        ...(change.attendees
          ? {
              attendeeCount: countInvited(
                booking.organizerEmail,
                change.attendees.map((address) => ({ address, type: 'required' })),
              ),
            }
          : {}),
        ...(booking.writtenMailbox === room.email.toLowerCase() ? { changeKey: ev.changeKey } : {}),
      };
      await this.deps.bookings.patch(booking.id, patch);
      return { ...booking, ...patch };
    });
  }

  async cancel(integrationId: string, bookingId: string): Promise<void> {
    const integration = await existingIntegration(this.deps.integrations, integrationId);
    const booking = await this.onesBooking(integrationId, bookingId);
    if (booking.status === 'cancelled') return;
    const conn = toGraphConnection(integration, this.deps.secretBox);
    try {
      await this.deps.graph.cancelEvent(conn, booking.writtenMailbox!, booking.writtenEventId!, CANCEL_COMMENT);
    } catch (err) {
      if (!(err instanceof GraphNotFoundError)) throw err;
    }
    await this.deps.bookings.patch(booking.id, { status: 'cancelled' });
  }

  /** Nobody checked in: the room gives the slot back in Outlook. */
  async release(integrationId: string, bookingId: string, reason: string | undefined): Promise<ReleaseResult> {
    const integration = await existingIntegration(this.deps.integrations, integrationId);
    const booking = await this.deps.bookings.get(integrationId, bookingId);
    if (!booking) throw new NotFoundError('Booking');
    if (booking.status === 'released') return { booking, pending: false };
    if (!(HOLDING_STATUSES as readonly string[]).includes(booking.status))
      throw new ConflictError(
        `The booking is ${booking.status}; only a confirmed or tentative booking can be released`,
        {
          status: booking.status,
        },
      );
    const [room] = await this.deps.rooms.byIds(integrationId, [booking.roomId]);
    if (!room) throw new NotFoundError('Room');
    const conn = toGraphConnection(integration, this.deps.secretBox);
    const comment = releaseComment(reason);
    return await this.underLease(integration, room, async () => {
      if (booking.source === 'ones' && booking.writtenMailbox === room.email.toLowerCase()) {
        // The room organized it: a room cannot decline its own meeting, it cancels it.
        try {
          await this.deps.graph.cancelEvent(conn, room.email, booking.writtenEventId!, comment);
        } catch (err) {
          if (!(err instanceof GraphNotFoundError)) throw err;
        }
        return { booking: await this.markReleased(booking), pending: false };
      }
      const target = await this.roomCopy(conn, room, booking);
      const [decline] = await this.deps.transaction((tx) =>
        tx.bookingDeclines.record([
          {
            integrationId,
            roomId: room.id,
            bookingId: booking.id,
            graphEventId: target.id,
            changeKey: target.changeKey ?? '',
            seriesMasterId: null,
            reason: 'release',
            rule: null,
            comment,
          },
        ]),
      );
      if (decline!.status === 'declined' || decline!.status === 'not_found')
        return { booking: await this.markReleased(booking), pending: false };
      const outcome = await sendDecline(
        { graph: this.deps.graph, transaction: this.deps.transaction },
        conn,
        room.email,
        decline!,
      );
      if (outcome.kind === 'retry') {
        await this.deps.producer.enqueue(
          'booking.decline',
          { integrationId, roomId: room.id },
          {
            delay: outcome.retryAfterMs ?? 5_000,
            deduplication: { id: `booking-decline:${integrationId}:${room.id}` },
          },
        );
        return { booking, pending: true };
      }
      if (outcome.kind === 'failed')
        throw new AppError(
          'release_failed',
          `Microsoft 365 refused the room's decline: ${outcome.error ?? 'error'}`,
          422,
        );
      return { booking: (await this.deps.bookings.get(integrationId, booking.id)) ?? booking, pending: false };
    });
  }

  private async markReleased(booking: RoomBookingEntity): Promise<RoomBookingEntity> {
    const at = new Date();
    await this.deps.bookings.patch(booking.id, { status: 'released', declinedAt: at });
    return { ...booking, status: 'released', declinedAt: at };
  }

  /** The room's copy of the meeting: known from the mirror, or looked up by iCalUId while the delta has not brought it. */
  private async roomCopy(
    conn: GraphConnection,
    room: RoomEntity,
    booking: RoomBookingEntity,
  ): Promise<{ id: string; changeKey: string | null }> {
    if (!booking.graphEventId.startsWith(PENDING_EVENT_PREFIX))
      return { id: booking.graphEventId, changeKey: booking.changeKey };
    const [copy] = booking.iCalUId ? await this.deps.graph.eventsByICalUId(conn, room.email, booking.iCalUId) : [];
    if (!copy)
      throw new ConflictError(
        "The booking is not in the room's calendar yet (the room has not processed the request); retry shortly",
      );
    return { id: copy.id, changeKey: copy.changeKey };
  }

  private async onesBooking(integrationId: string, bookingId: string): Promise<RoomBookingEntity> {
    const booking = await this.deps.bookings.get(integrationId, bookingId);
    if (!booking) throw new NotFoundError('Booking');
    if (booking.source !== 'ones' || !booking.writtenEventId)
      throw new UnprocessableError(
        'not_a_ones_booking',
        'Only bookings made in ONES can be moved or cancelled here; this one was made in Outlook',
      );
    if (!(HOLDING_STATUSES as readonly string[]).includes(booking.status) && booking.status !== 'cancelled')
      throw new ConflictError(`The booking is ${booking.status}`, { status: booking.status });
    return booking;
  }

  private async room(integrationId: string, input: Pick<NewBooking, 'roomId' | 'roomEmail'>): Promise<RoomEntity> {
    const found = input.roomId
      ? await this.deps.rooms.byIds(integrationId, [input.roomId])
      : await this.deps.rooms.byEmails(integrationId, [input.roomEmail!]);
    const room = found.find(
      (r) => r.active && (!input.roomEmail || r.email.toLowerCase() === input.roomEmail.toLowerCase()),
    );
    if (!room)
      throw new UnprocessableError('unknown_room', 'No synced room of this integration matches', [
        { field: input.roomId ? 'body.roomId' : 'body.roomEmail', message: 'is not a synced room of this integration' },
      ]);
    return room;
  }

  private async policyOf(integrationId: string, roomEmail: string): Promise<RoomPolicy | null> {
    const stored = await this.deps.bookingPolicies.get(integrationId);
    const policy = stored ? policyForRoom(parseStoredPolicy(stored.policy), roomEmail) : null;
    return policy?.enabled ? policy : null;
  }

  /** The policy's rules but conflicts (answered 409 below): 422 in enforce mode; the violation to record in audit mode. */
  private async check(
    policy: RoomPolicy | null,
    room: RoomEntity,
    b: {
      id: string;
      start: Date;
      end: Date;
      organizerEmail: string | null;
      organizerGroups: readonly string[] | null;
      attendees: string[];
    },
  ): Promise<string | null> {
    if (!policy) return null;
    const { allowConflicts: _conflicts, ...rules } = policy.rules;
    const groupNames = rules.allowedGroupIds
      ? new Map((await this.deps.groups.list()).map((g) => [g.id, g.name]))
      : undefined;
    const verdict = evaluateBooking(
      rules,
      {
        id: b.id,
        start: b.start,
        end: b.end,
        isAllDay: false,
        bookedAt: new Date(),
        organizerEmail: b.organizerEmail,
        attendeeCount: countInvited(
          b.organizerEmail,
          b.attendees.map((address) => ({ address, type: 'required' })),
        ),
      },
      {
        others: [],
        organizerGroups: b.organizerGroups,
        roomCapacity: room.capacity,
        ...(groupNames ? { groupNames } : {}),
      },
    );
    if (verdict.ok) return null;
    const violation = { rule: verdict.rule, message: verdict.sentence };
    if (policy.mode === 'enforce') throw new UnprocessableError('policy_violation', verdict.sentence, violation);
    return JSON.stringify(violation);
  }

  /** 409 when the slot is taken, in the mirror or at Graph's free/busy (unless the policy allows conflicts). */
  private async conflicts(
    conn: GraphConnection,
    policy: RoomPolicy | null,
    room: RoomEntity,
    slot: { start: Date; end: Date },
    self?: RoomBookingEntity,
  ): Promise<void> {
    if (policy?.rules.allowConflicts === true) return;
    const enforce = policy?.mode === 'enforce';
    const mirrored = (await this.deps.bookings.holding(room.id, slot.start, slot.end)).find(
      (b) => b.id !== self?.id && !(enforce && b.policyViolation),
    );
    if (mirrored)
      throw new ConflictError('The room is already booked at that time', {
        bookingId: mirrored.id,
        start: mirrored.startAt.toISOString(),
        end: mirrored.endAt.toISOString(),
      });
    const busy = (await this.deps.graph.getSchedule(conn, room.email, slot)).find(
      (i) =>
        i.status !== 'free' &&
        Date.parse(i.start) < slot.end.getTime() &&
        Date.parse(i.end) > slot.start.getTime() &&
        // The booking being moved is busy in its own old slot.
        !(self && Date.parse(i.start) === self.startAt.getTime() && Date.parse(i.end) === self.endAt.getTime()),
    );
    if (busy)
      throw new ConflictError('The room is busy at that time in Outlook (its free/busy)', {
        start: busy.start,
        end: busy.end,
      });
  }

  private async underLease<T>(integration: IntegrationEntity, room: RoomEntity, fn: () => Promise<T>): Promise<T> {
    const stream = formatStreamKey({ kind: 'calendar', roomId: room.id });
    const until = Date.now() + LEASE_WAIT_MS;
    let lock: HeldLock | null = null;
    while (!lock) {
      lock = await this.deps.coordination.acquireLock({ integrationId: integration.id, stream }, this.deps.lockLeaseMs);
      if (lock) break;
      if (Date.now() >= until)
        throw new AppError('room_busy', "The room's calendar is being synced; retry shortly", 503, { retryable: true });
      await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 150)));
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }
}
