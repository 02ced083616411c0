/**
 * One simulated Entra tenant: directory (users, groups), Exchange resources (rooms, room lists,
 * room calendars), app registrations, and the change log that delta queries and change
 * notifications are computed from. Every change gets the next sequence number.
 */
import type {
  AppRecord,
  ChangeEntry,
  Cloud,
  EventRecord,
  GroupRecord,
  MeetingMessage,
  RoomListRecord,
  RoomRecord,
  UserRecord,
} from './model.js';

export type ChangeListener = (tenant: Tenant, change: ChangeEntry) => void;

export class Tenant {
  readonly users: UserRecord[] = [];
  readonly usersById = new Map<string, UserRecord>();
  /** Lower-cased userPrincipalName and mail → user. */
  readonly usersByName = new Map<string, UserRecord>();
  readonly rooms: RoomRecord[] = [];
  readonly roomsById = new Map<string, RoomRecord>();
  readonly roomsByEmail = new Map<string, RoomRecord>();
  readonly roomLists: RoomListRecord[] = [];
  readonly groups: GroupRecord[] = [];
  readonly groupsById = new Map<string, GroupRecord>();
  /** Room id → its calendar (deleted events stay as tombstones so delta can report them). */
  readonly calendars = new Map<string, EventRecord[]>();
  readonly eventsById = new Map<string, EventRecord>();
  /** User id → the user's own calendar (organizer copies of meetings an app wrote for them). */
  readonly userCalendars = new Map<string, EventRecord[]>();
  /** Responses and cancellations sent to organizers and attendees, oldest first. */
  readonly messages: MeetingMessage[] = [];
  readonly apps = new Map<string, AppRecord>();
  readonly log: ChangeEntry[] = [];
  private readonly listeners: ChangeListener[] = [];

  constructor(
    readonly id: string,
    readonly cloud: Cloud,
    readonly displayName: string,
    readonly domain: string,
    /** appId of the "Tenant Schema Extension App" that owns synced directory extensions. */
    readonly extensionAppId: string,
  ) {}

  /** Name of the directory extension holding the on-premises AD `pager`. */
  get pagerExtension(): string {
    return `extension_${this.extensionAppId.replace(/-/g, '')}_pager`;
  }

  /** The latest sequence number (0 before any change). */
  get seq(): number {
    return this.log.length;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  record(entry: Omit<ChangeEntry, 'seq' | 'at'>): ChangeEntry {
    const full: ChangeEntry = { ...entry, seq: this.log.length + 1, at: new Date().toISOString() };
    this.log.push(full);
    for (const l of this.listeners) l(this, full);
    return full;
  }

  addUser(user: UserRecord): void {
    this.users.push(user);
    this.usersById.set(user.id, user);
    this.indexUserNames(user);
  }

  indexUserNames(user: UserRecord): void {
    for (const key of ['userPrincipalName', 'mail'] as const) {
      const v = user.props[key];
      if (typeof v === 'string') this.usersByName.set(v.toLowerCase(), user);
    }
  }

  /** A user by id or UPN/mail, including soft-deleted ones (callers decide what to show). */
  findUser(idOrName: string): UserRecord | undefined {
    return this.usersById.get(idOrName) ?? this.usersByName.get(idOrName.toLowerCase());
  }

  addRoom(room: RoomRecord): void {
    this.rooms.push(room);
    this.roomsById.set(room.id, room);
    this.roomsByEmail.set(room.emailAddress.toLowerCase(), room);
    if (!this.calendars.has(room.id)) this.calendars.set(room.id, []);
  }

  /** A room mailbox by id or email (the `/users/{id|upn}` segment of calendar routes). */
  findRoom(idOrEmail: string): RoomRecord | undefined {
    const r = this.roomsById.get(idOrEmail) ?? this.roomsByEmail.get(idOrEmail.toLowerCase());
    return r && !r.removed ? r : undefined;
  }

  addGroup(group: GroupRecord): void {
    this.groups.push(group);
    this.groupsById.set(group.id, group);
  }

  /** The copies of one meeting in room calendars (they share its iCalUId). */
  roomCopies(iCalUId: string): EventRecord[] {
    const out: EventRecord[] = [];
    for (const cal of this.calendars.values())
      for (const e of cal) if (e.iCalUId === iCalUId && !e.deleted) out.push(e);
    return out;
  }

  addEvent(ev: EventRecord): void {
    if (ev.ownerUserId) {
      const own = this.userCalendars.get(ev.ownerUserId) ?? [];
      own.push(ev);
      this.userCalendars.set(ev.ownerUserId, own);
      this.eventsById.set(ev.id, ev);
      return;
    }
    let cal = this.calendars.get(ev.roomId);
    if (!cal) {
      cal = [];
      this.calendars.set(ev.roomId, cal);
    }
    cal.push(ev);
    this.eventsById.set(ev.id, ev);
  }

  /** Counts for the control API's state summary. */
  summary(): Record<string, unknown> {
    let active = 0,
      disabled = 0,
      softDeleted = 0,
      hardDeleted = 0,
      events = 0;
    for (const u of this.users) {
      if (u.state === 'softDeleted') softDeleted++;
      else if (u.state === 'hardDeleted') hardDeleted++;
      else {
        active++;
        if (u.props.accountEnabled === false) disabled++;
      }
    }
    for (const cal of this.calendars.values()) for (const e of cal) if (!e.deleted) events++;
    return {
      tenantId: this.id,
      cloud: this.cloud,
      displayName: this.displayName,
      domain: this.domain,
      users: { active, disabled, softDeleted, hardDeleted },
      rooms: this.rooms.filter((r) => !r.removed).length,
      roomLists: this.roomLists.length,
      groups: this.groups.length,
      events,
      apps: [...this.apps.keys()],
      seq: this.seq,
      pagerExtension: this.pagerExtension,
    };
  }
}
