/**
 * Meetings a user organizes, written by an app to the user's own calendar: the organizer's copy
 * stays there, and each room invited as a resource attendee gets its own copy (same iCalUId,
 * another id), accepted at once as a room mailbox with AutomateProcessing AutoAccept does. Moving
 * the organizer's copy updates the rooms' copies; cancelling it cancels them (they leave the
 * rooms' calendars). Extended properties stay on the copy they were written to.
 */
import { randomBytes } from 'node:crypto';
import type { EventRecord, UserRecord } from './model.js';
import { bookEvent, cancelEvent, moveEvent, newICalUId, SimulatorError, type BookingInput } from './mutations.js';
import type { Tenant } from './tenant.js';

export interface MeetingInput extends BookingInput {
  transactionId?: string;
  extendedProperties?: Record<string, string>;
}

function userAddress(user: UserRecord): { name: string; address: string } {
  const address = String(user.props.mail ?? user.props.userPrincipalName);
  return { name: String(user.props.displayName ?? address), address };
}

function iso(v: string, what: string): string {
  const t = Date.parse(v.endsWith('Z') || /[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw new SimulatorError(400, `${what} is not a date-time: ${v}`);
  return new Date(t).toISOString();
}

/** The user's copy, and the copies of the rooms invited. A repeated transactionId answers the first. */
export function organizeMeeting(tenant: Tenant, user: UserRecord, input: MeetingInput): EventRecord {
  const own = tenant.userCalendars.get(user.id) ?? [];
  const same = input.transactionId ? own.find((e) => e.transactionId === input.transactionId) : undefined;
  if (same) return same;
  const start = iso(input.start, 'start');
  const end = iso(input.end, 'end');
  if (end <= start) throw new SimulatorError(400, 'end must be after start');
  const organizer = userAddress(user);
  const now = new Date().toISOString();
  const attendees = (input.attendees ?? []).map((a) => ({
    name: a.name ?? a.address,
    address: a.address,
    type: a.type ?? 'required',
    response: a.type === 'resource' && tenant.findRoom(a.address) ? 'accepted' : 'none',
  }));
  const ev: EventRecord = {
    id: `AAMkA${randomBytes(48).toString('base64url')}`,
    roomId: '',
    ownerUserId: user.id,
    subject: input.subject ?? '',
    start,
    end,
    organizer,
    attendees,
    roomResponse: 'none',
    isCancelled: false,
    deleted: false,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: randomBytes(12).toString('base64url'),
    iCalUId: newICalUId(),
    lastSeq: 0,
    ...(input.body ? { body: input.body } : {}),
    ...(input.isAllDay ? { isAllDay: true } : {}),
    ...(input.transactionId ? { transactionId: input.transactionId } : {}),
    ...(input.extendedProperties ? { extendedProperties: input.extendedProperties } : {}),
  };
  tenant.addEvent(ev);
  ev.lastSeq = tenant.record({ kind: 'event', op: 'organized', id: ev.id, changeType: 'created' }).seq;
  for (const a of attendees) {
    if (a.type !== 'resource' || !tenant.findRoom(a.address)) continue;
    bookEvent(tenant, a.address, {
      subject: ev.subject,
      start,
      end,
      organizer,
      iCalUId: ev.iCalUId,
      attendees: attendees.filter((x) => x.address.toLowerCase() !== a.address.toLowerCase()),
      ...(input.body ? { body: input.body } : {}),
      ...(input.isAllDay ? { isAllDay: true } : {}),
    });
  }
  return ev;
}

/** The organizer edits the copy: the rooms' copies follow (a room newly invited gets one). */
export function updateMeeting(tenant: Tenant, ev: EventRecord, patch: Partial<MeetingInput>): EventRecord {
  if (patch.start) ev.start = iso(patch.start, 'start');
  if (patch.end) ev.end = iso(patch.end, 'end');
  if (ev.end <= ev.start) throw new SimulatorError(400, 'end must be after start');
  if (patch.subject !== undefined) ev.subject = patch.subject;
  if (patch.body !== undefined) ev.body = patch.body;
  if (patch.attendees)
    ev.attendees = patch.attendees.map((a) => ({
      name: a.name ?? a.address,
      address: a.address,
      type: a.type ?? 'required',
      response: a.type === 'resource' && tenant.findRoom(a.address) ? 'accepted' : 'none',
    }));
  ev.lastModifiedDateTime = new Date().toISOString();
  ev.changeKey = randomBytes(12).toString('base64url');
  ev.lastSeq = tenant.record({ kind: 'event', op: 'updated', id: ev.id, changeType: 'updated' }).seq;
  const copies = tenant.roomCopies(ev.iCalUId);
  for (const copy of copies) {
    const room = tenant.roomsById.get(copy.roomId)!;
    const stillInvited = ev.attendees.some(
      (a) => a.type === 'resource' && a.address.toLowerCase() === room.emailAddress.toLowerCase(),
    );
    if (!stillInvited) {
      cancelEvent(tenant, copy.id);
      continue;
    }
    moveEvent(tenant, copy.id, {
      start: ev.start,
      end: ev.end,
      subject: ev.subject,
      attendees: ev.attendees.filter((a) => a.address.toLowerCase() !== room.emailAddress.toLowerCase()),
    });
  }
  for (const a of ev.attendees) {
    const room = a.type === 'resource' ? tenant.findRoom(a.address) : undefined;
    if (room && !copies.some((c) => c.roomId === room.id))
      bookEvent(tenant, room.id, {
        subject: ev.subject,
        start: ev.start,
        end: ev.end,
        organizer: ev.organizer,
        iCalUId: ev.iCalUId,
      });
  }
  return ev;
}

/** The organizer cancels: the copy goes to Deleted Items, each room's copy is cancelled (it leaves the calendar). */
export function cancelMeeting(tenant: Tenant, ev: EventRecord, comment: string): void {
  for (const copy of tenant.roomCopies(ev.iCalUId)) {
    cancelEvent(tenant, copy.id);
    tenant.messages.push({
      kind: 'cancelled',
      eventId: ev.id,
      iCalUId: ev.iCalUId,
      from: ev.organizer.address,
      to: tenant.roomsById.get(copy.roomId)?.emailAddress ?? '',
      comment,
      at: new Date().toISOString(),
    });
  }
  ev.isCancelled = true;
  ev.deleted = true;
  ev.lastModifiedDateTime = new Date().toISOString();
  ev.changeKey = randomBytes(12).toString('base64url');
  ev.lastSeq = tenant.record({ kind: 'event', op: 'cancelled', id: ev.id, changeType: 'deleted' }).seq;
}
