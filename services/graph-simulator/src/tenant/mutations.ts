/**
 * Changes to a tenant, as an admin or a user would make them in Microsoft 365. Each one appends
 * to the change log (delta queries and change notifications are derived from it).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventRecord, GroupRecord, RoomRecord, UserRecord } from './model.js';
import type { Tenant } from './tenant.js';

export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function mustUser(tenant: Tenant, idOrUpn: string): UserRecord {
  const u = tenant.findUser(idOrUpn);
  if (!u || u.state === 'hardDeleted') throw new SimulatorError(404, `user ${idOrUpn} not found`);
  return u;
}

function touch(user: UserRecord, seq: number, keys: string[]): void {
  user.lastSeq = seq;
  user.propSeq ??= {};
  for (const k of keys) user.propSeq[k] = seq;
}

export function createUser(tenant: Tenant, props: Record<string, unknown>): UserRecord {
  const upn = String(
    props.userPrincipalName ?? `${String(props.mailNickname ?? `user${tenant.users.length + 1}`)}@${tenant.domain}`,
  ).toLowerCase();
  if (tenant.usersByName.has(upn)) throw new SimulatorError(409, `userPrincipalName ${upn} already exists`);
  const id = typeof props.id === 'string' ? props.id : randomUUID();
  const full: Record<string, unknown> = {
    accountEnabled: true,
    businessPhones: [],
    preferredLanguage: 'en-US',
    mail: upn,
    createdDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...props,
    id,
    userPrincipalName: upn,
  };
  full.displayName ??= upn.split('@')[0];
  const user: UserRecord = { id, props: full, state: 'active', index: tenant.users.length, lastSeq: 0, lifeSeq: 0 };
  tenant.addUser(user);
  const e = tenant.record({ kind: 'user', op: 'created', id, changeType: 'updated' });
  user.lifeSeq = e.seq;
  touch(user, e.seq, Object.keys(full));
  return user;
}

export function updateUser(
  tenant: Tenant,
  idOrUpn: string,
  patch: Record<string, unknown>,
  op = 'updated',
): UserRecord {
  const user = mustUser(tenant, idOrUpn);
  const changed = Object.keys(patch).filter(
    (k) => k !== 'id' && JSON.stringify(user.props[k]) !== JSON.stringify(patch[k]),
  );
  for (const k of changed) {
    if (patch[k] === undefined) delete user.props[k];
    else user.props[k] = patch[k];
  }
  if (changed.includes('userPrincipalName') || changed.includes('mail')) tenant.indexUserNames(user);
  const e = tenant.record({ kind: 'user', op, id: user.id, changeType: 'updated' });
  touch(user, e.seq, changed);
  return user;
}

export const disableUser = (t: Tenant, id: string): UserRecord =>
  updateUser(t, id, { accountEnabled: false }, 'disabled');
export const enableUser = (t: Tenant, id: string): UserRecord => updateUser(t, id, { accountEnabled: true }, 'enabled');

export function softDeleteUser(tenant: Tenant, idOrUpn: string): UserRecord {
  const user = mustUser(tenant, idOrUpn);
  if (user.state !== 'active') throw new SimulatorError(409, `user ${idOrUpn} is already deleted`);
  user.state = 'softDeleted';
  const e = tenant.record({ kind: 'user', op: 'softDeleted', id: user.id, changeType: 'updated' });
  user.lifeSeq = e.seq;
  touch(user, e.seq, []);
  return user;
}

export function restoreUser(tenant: Tenant, idOrUpn: string): UserRecord {
  const user = mustUser(tenant, idOrUpn);
  if (user.state !== 'softDeleted') throw new SimulatorError(409, `user ${idOrUpn} is not in deleted items`);
  user.state = 'active';
  const e = tenant.record({ kind: 'user', op: 'restored', id: user.id, changeType: 'updated' });
  user.lifeSeq = e.seq;
  touch(user, e.seq, []);
  return user;
}

export function hardDeleteUser(tenant: Tenant, idOrUpn: string): UserRecord {
  const user = mustUser(tenant, idOrUpn);
  user.state = 'hardDeleted';
  for (const key of ['userPrincipalName', 'mail']) {
    const v = user.props[key];
    if (typeof v === 'string' && tenant.usersByName.get(v.toLowerCase()) === user)
      tenant.usersByName.delete(v.toLowerCase());
  }
  for (const g of tenant.groups) g.memberIds = g.memberIds.filter((m) => m !== user.id);
  const e = tenant.record({ kind: 'user', op: 'hardDeleted', id: user.id, changeType: 'deleted' });
  user.lifeSeq = e.seq;
  touch(user, e.seq, []);
  return user;
}

export function addRoom(
  tenant: Tenant,
  input: Partial<RoomRecord> & { emailAddress: string; displayName?: string },
): RoomRecord {
  if (tenant.roomsByEmail.get(input.emailAddress.toLowerCase())?.removed === false) {
    throw new SimulatorError(409, `room ${input.emailAddress} already exists`);
  }
  const room: RoomRecord = {
    bookingType: 'standard',
    isWheelChairAccessible: false,
    tags: [],
    hiddenFromGal: false,
    ...input,
    id: input.id ?? randomUUID(),
    displayName: input.displayName ?? input.emailAddress.split('@')[0]!,
    removed: false,
  };
  tenant.addRoom(room);
  tenant.record({ kind: 'room', op: 'created', id: room.id, changeType: 'created' });
  return room;
}

export function updateRoom(tenant: Tenant, idOrEmail: string, patch: Partial<RoomRecord>): RoomRecord {
  const room = tenant.findRoom(idOrEmail);
  if (!room) throw new SimulatorError(404, `room ${idOrEmail} not found`);
  const { id: _id, emailAddress: _email, removed: _removed, ...rest } = patch;
  Object.assign(room, rest);
  tenant.record({ kind: 'room', op: 'updated', id: room.id, changeType: 'updated' });
  return room;
}

export function removeRoom(tenant: Tenant, idOrEmail: string): RoomRecord {
  const room = tenant.findRoom(idOrEmail);
  if (!room) throw new SimulatorError(404, `room ${idOrEmail} not found`);
  room.removed = true;
  for (const list of tenant.roomLists) list.roomEmails = list.roomEmails.filter((e) => e !== room.emailAddress);
  tenant.record({ kind: 'room', op: 'removed', id: room.id, changeType: 'deleted' });
  return room;
}

export interface BookingInput {
  subject?: string;
  start: string;
  end: string;
  organizer?: { name?: string; address: string };
  body?: string;
  sensitivity?: 'normal' | 'personal' | 'private' | 'confidential';
  /** Invitees besides the room (required unless `type` says otherwise). */
  attendees?: { address: string; name?: string; type?: 'required' | 'optional' | 'resource' }[];
  isAllDay?: boolean;
  /** The meeting's iCalUId when it already has one (a room's copy of an organizer's meeting). */
  iCalUId?: string;
}

function isoOrThrow(v: string, what: string): string {
  const t = Date.parse(v.endsWith('Z') || /[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw new SimulatorError(400, `${what} is not a date-time: ${v}`);
  return new Date(t).toISOString();
}

export function newICalUId(): string {
  return `040000008200E00074C5B7101A82E008${randomBytes(16).toString('hex').toUpperCase()}`;
}

export function bookEvent(tenant: Tenant, roomIdOrEmail: string, input: BookingInput): EventRecord {
  const room = tenant.findRoom(roomIdOrEmail);
  if (!room) throw new SimulatorError(404, `room ${roomIdOrEmail} not found`);
  const now = new Date().toISOString();
  const organizer = {
    name: input.organizer?.name ?? input.organizer?.address ?? `Organizer`,
    address: input.organizer?.address ?? `organizer@${tenant.domain}`,
  };
  const ev: EventRecord = {
    id: `AAMkA${randomBytes(48).toString('base64url')}`,
    roomId: room.id,
    subject: input.subject ?? 'Meeting',
    start: isoOrThrow(input.start, 'start'),
    end: isoOrThrow(input.end, 'end'),
    organizer,
    attendees: [
      { name: room.displayName, address: room.emailAddress, type: 'resource', response: 'accepted' },
      ...(input.attendees ?? [])
        .filter((a) => a.address.toLowerCase() !== room.emailAddress.toLowerCase())
        .map((a) => ({ name: a.name ?? a.address, address: a.address, type: a.type ?? 'required', response: 'none' })),
    ],
    roomResponse: 'accepted',
    isCancelled: false,
    deleted: false,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: randomBytes(12).toString('base64url'),
    iCalUId: input.iCalUId ?? newICalUId(),
    ...(input.body ? { body: input.body } : {}),
    ...(input.sensitivity ? { sensitivity: input.sensitivity } : {}),
    ...(input.isAllDay ? { isAllDay: true } : {}),
    lastSeq: 0,
  };
  if (ev.end <= ev.start) throw new SimulatorError(400, 'end must be after start');
  tenant.addEvent(ev);
  ev.lastSeq = tenant.record({ kind: 'event', op: 'booked', id: ev.id, roomId: room.id, changeType: 'created' }).seq;
  return ev;
}

function mustEvent(tenant: Tenant, id: string): EventRecord {
  const ev = tenant.eventsById.get(id);
  if (!ev || ev.deleted) throw new SimulatorError(404, `event ${id} not found`);
  return ev;
}

function changed(tenant: Tenant, ev: EventRecord, op: string, changeType: 'updated' | 'deleted'): EventRecord {
  ev.lastModifiedDateTime = new Date().toISOString();
  ev.changeKey = randomBytes(12).toString('base64url');
  ev.lastSeq = tenant.record({ kind: 'event', op, id: ev.id, roomId: ev.roomId, changeType }).seq;
  return ev;
}

export function moveEvent(tenant: Tenant, id: string, patch: Partial<BookingInput>): EventRecord {
  const ev = mustEvent(tenant, id);
  if (patch.start) ev.start = isoOrThrow(patch.start, 'start');
  if (patch.end) ev.end = isoOrThrow(patch.end, 'end');
  if (ev.end <= ev.start) throw new SimulatorError(400, 'end must be after start');
  if (patch.subject !== undefined) ev.subject = patch.subject;
  if (patch.body !== undefined) ev.body = patch.body;
  if (patch.organizer)
    ev.organizer = { name: patch.organizer.name ?? patch.organizer.address, address: patch.organizer.address };
  if (patch.attendees) {
    const keep = ev.attendees.filter(
      (a) => a.type === 'resource' && a.address === tenant.roomsById.get(ev.roomId)?.emailAddress,
    );
    ev.attendees = [
      ...keep,
      ...patch.attendees.map((a) => ({
        name: a.name ?? a.address,
        address: a.address,
        type: a.type ?? 'required',
        response: 'none',
      })),
    ];
  }
  if (ev.type === 'occurrence') ev.type = 'exception';
  return changed(tenant, ev, 'moved', 'updated');
}

/** The organizer cancels: the meeting disappears from the room's calendar. */
export function cancelEvent(tenant: Tenant, id: string): EventRecord {
  const ev = mustEvent(tenant, id);
  ev.isCancelled = true;
  ev.deleted = true;
  return changed(tenant, ev, 'cancelled', 'deleted');
}

/**
 * The room (attendee) declines: the meeting leaves the room's calendar (its delta reports it
 * removed), the organizer gets the decline with the comment, and the organizer's own copy shows
 * the room's response as declined. Declining a series master declines every occurrence.
 */
export function declineEvent(tenant: Tenant, id: string, comment: string): EventRecord {
  const ev = mustEvent(tenant, id);
  const room = tenant.roomsById.get(ev.roomId);
  const copies =
    ev.type === 'seriesMaster'
      ? (tenant.calendars.get(ev.roomId) ?? []).filter((e) => e.seriesMasterId === ev.id && !e.deleted)
      : [];
  for (const occ of copies) declineOne(tenant, occ, comment);
  declineOne(tenant, ev, comment);
  tenant.messages.push({
    kind: 'declined',
    eventId: ev.id,
    iCalUId: ev.iCalUId,
    from: room?.emailAddress ?? '',
    to: ev.organizer.address,
    comment,
    at: new Date().toISOString(),
  });
  for (const own of tenant.userCalendars.get(tenant.findUser(ev.organizer.address)?.id ?? '') ?? [])
    if (own.iCalUId === ev.iCalUId && room)
      for (const a of own.attendees)
        if (a.address.toLowerCase() === room.emailAddress.toLowerCase()) a.response = 'declined';
  return ev;
}

function declineOne(tenant: Tenant, ev: EventRecord, comment: string): void {
  ev.roomResponse = 'declined';
  ev.responseTime = new Date().toISOString();
  ev.declineComment = comment;
  for (const a of ev.attendees)
    if (a.type === 'resource' && tenant.roomsById.get(ev.roomId)?.emailAddress === a.address) a.response = 'declined';
  ev.deleted = true;
  changed(tenant, ev, 'declined', 'deleted');
}

export function createGroup(tenant: Tenant, input: Partial<GroupRecord> & { displayName: string }): GroupRecord {
  const nick = input.mailNickname ?? input.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const group: GroupRecord = {
    securityEnabled: true,
    mailEnabled: false,
    groupTypes: [],
    memberIds: [],
    createdDateTime: new Date().toISOString(),
    ...input,
    id: input.id ?? randomUUID(),
    mailNickname: nick,
  };
  tenant.addGroup(group);
  tenant.record({ kind: 'group', op: 'created', id: group.id, changeType: 'created' });
  return group;
}

export function setGroupMembers(tenant: Tenant, groupId: string, add: string[], remove: string[] = []): GroupRecord {
  const group = tenant.groupsById.get(groupId);
  if (!group) throw new SimulatorError(404, `group ${groupId} not found`);
  for (const m of add) {
    const id = tenant.findUser(m)?.id ?? tenant.groupsById.get(m)?.id;
    if (!id) throw new SimulatorError(404, `member ${m} not found`);
    if (!group.memberIds.includes(id)) group.memberIds.push(id);
  }
  group.memberIds = group.memberIds.filter((m) => !remove.includes(m));
  tenant.record({ kind: 'group', op: 'membersChanged', id: group.id, changeType: 'updated' });
  return group;
}
