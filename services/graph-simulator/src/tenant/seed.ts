/**
 * Deterministic tenant generation: the same SeedSpec always yields the same ids, names, rooms,
 * groups and apps (event times are relative to the current UTC day so calendar windows work).
 */
import { createHash } from 'node:crypto';
import type { AppRecord, Cloud, EventRecord, GroupRecord, RoomRecord } from './model.js';
import { createRng, pick, rngUuid, type Rng } from './random.js';
import { bookSeries } from './series.js';
import { Tenant } from './tenant.js';

export interface SeedAppSpec {
  appId?: string;
  displayName?: string;
  secret?: string;
  /** ISO date; default two years ahead. */
  secretExpiresAt?: string;
  /** Consented application permissions (the token's roles). */
  permissions?: string[];
  redirectUris?: string[];
}

export interface SeedSpec {
  seed?: number;
  tenantId?: string;
  displayName?: string;
  /** The cloud the tenant is homed in (default: the simulator's cloud). */
  cloud?: Cloud;
  users?: number;
  rooms?: number;
  roomLists?: number;
  groups?: number;
  /** Share of users with the on-premises pager directory extension set (default 0.6). */
  pagerShare?: number;
  /** Share of users with accountEnabled=false (default 0.02). */
  disabledShare?: number;
  /** Share of rooms hidden from the GAL (default 0.05). */
  hiddenRoomShare?: number;
  eventsPerRoom?: number;
  /** Recurring meetings per room: a daily series of 10 occurrences from tomorrow (default 0). */
  seriesPerRoom?: number;
  app?: SeedAppSpec;
}

export const DEFAULT_PERMISSIONS = ['Calendars.ReadWrite', 'Group.Read.All', 'Place.Read.All', 'User.Read.All'];

const FIRST = [
  'Ada',
  'Ben',
  'Chen',
  'Dana',
  'Eli',
  'Fatima',
  'Gao',
  'Hana',
  'Ivan',
  'Jun',
  'Kofi',
  'Lena',
  'Mei',
  'Nils',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Victor',
  'Wei',
  'Xenia',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Adams',
  'Brown',
  'Chan',
  'Diaz',
  'Evans',
  'Fischer',
  'Garcia',
  'Huang',
  'Ito',
  'Jones',
  'Kim',
  'Li',
  'Martin',
  'Nguyen',
  'Okafor',
  'Patel',
  'Quist',
  'Rossi',
  'Smith',
  'Tanaka',
  'Usman',
  'Wang',
  'Zhang',
];
const DEPTS = ['Engineering', 'Sales', 'Finance', 'Operations', 'Legal', 'Marketing', 'Support', 'HR'];
const TITLES = ['Engineer', 'Manager', 'Analyst', 'Designer', 'Consultant', 'Director', 'Specialist'];
const BUILDINGS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/** Deterministic secret-looking string (Entra secrets are ~40 chars with a `~`). */
export function derivedSecret(seed: number, label: string): string {
  return createHash('sha256')
    .update(`${seed}:${label}`)
    .digest('base64url')
    .slice(0, 34)
    .replace(/^(.{3})/, '$1~');
}

export function seedTenant(spec: SeedSpec, defaultCloud: Cloud): Tenant {
  const seed = spec.seed ?? 1;
  const rng = createRng(seed);
  const tenantId = spec.tenantId ?? rngUuid(rng);
  const short = tenantId.slice(0, 6);
  const tenant = new Tenant(
    tenantId,
    spec.cloud ?? defaultCloud,
    spec.displayName ?? `Contoso ${short}`,
    `contoso${short}.onmicrosoft.com`,
    rngUuid(createRng(seed ^ 0x5eed)),
  );
  seedApp(tenant, spec.app ?? {}, seed);
  seedUsers(tenant, spec, createRng(seed + 1));
  seedRooms(tenant, spec, createRng(seed + 2));
  seedGroups(tenant, spec, createRng(seed + 3));
  seedEvents(tenant, spec, createRng(seed + 4));
  seedSeries(tenant, spec.seriesPerRoom ?? 0);
  return tenant;
}

export function buildApp(spec: SeedAppSpec, seed: number, rng: Rng): AppRecord {
  const value = spec.secret ?? derivedSecret(seed, 'app-secret');
  return {
    appId: spec.appId ?? rngUuid(rng),
    displayName: spec.displayName ?? 'ONES M365 connector',
    secrets: [
      {
        keyId: rngUuid(rng),
        value,
        hint: value.slice(0, 3),
        expiresAt: spec.secretExpiresAt ?? new Date(Date.now() + 2 * 365 * 86_400_000).toISOString(),
      },
    ],
    permissions: new Set(spec.permissions ?? DEFAULT_PERMISSIONS),
    redirectUris: spec.redirectUris ?? ['http://127.0.0.1/auth/callback', 'http://localhost/auth/callback'],
    servicePrincipalId: rngUuid(rng),
  };
}

function seedApp(tenant: Tenant, spec: SeedAppSpec, seed: number): void {
  const app = buildApp(spec, seed, createRng(seed ^ 0xa99));
  tenant.apps.set(app.appId, app);
}

function seedUsers(tenant: Tenant, spec: SeedSpec, rng: Rng): void {
  const count = spec.users ?? 50;
  const pagerShare = spec.pagerShare ?? 0.6;
  const disabledShare = spec.disabledShare ?? 0.02;
  const pagerKey = tenant.pagerExtension;
  const created = new Date(Date.UTC(2021, 0, 4)).getTime();
  for (let i = 0; i < count; i++) {
    const given = pick(rng, FIRST);
    const sur = pick(rng, LAST);
    const upn = `${given}.${sur}.${i + 1}@${tenant.domain}`.toLowerCase();
    const props: Record<string, unknown> = {
      id: '',
      displayName: `${given} ${sur}`,
      givenName: given,
      surname: sur,
      userPrincipalName: upn,
      mail: upn,
      jobTitle: pick(rng, TITLES),
      department: pick(rng, DEPTS),
      officeLocation: `Building ${pick(rng, BUILDINGS)}`,
      businessPhones: [`+1 425 555 ${String(1000 + (i % 9000)).padStart(4, '0')}`],
      mobilePhone: null,
      preferredLanguage: 'en-US',
      accountEnabled: rng() >= disabledShare,
      employeeId: `E${String(i + 1).padStart(6, '0')}`,
      createdDateTime: new Date(created + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    if (rng() < pagerShare) props[pagerKey] = String(100000 + Math.floor(rng() * 900000));
    const id = rngUuid(rng);
    props.id = id;
    tenant.addUser({ id, props, state: 'active', index: i, lastSeq: 0, lifeSeq: 0 });
  }
}

function seedRooms(tenant: Tenant, spec: SeedSpec, rng: Rng): void {
  const count = spec.rooms ?? 10;
  const hiddenShare = spec.hiddenRoomShare ?? 0.05;
  const listCount = Math.max(count ? 1 : 0, spec.roomLists ?? Math.min(BUILDINGS.length, Math.ceil(count / 20)));
  const lists = Array.from({ length: listCount }, (_, i) => ({
    id: rngUuid(rng),
    displayName: `Building ${BUILDINGS[i % BUILDINGS.length]}${i >= BUILDINGS.length ? i : ''} rooms`,
    emailAddress: `roomlist-${i + 1}@${tenant.domain}`,
    roomEmails: [] as string[],
  }));
  tenant.roomLists.push(...lists);
  for (let i = 0; i < count; i++) {
    const listIndex = listCount ? i % listCount : 0;
    const building = `Building ${BUILDINGS[listIndex % BUILDINGS.length]}`;
    const floor = 1 + Math.floor(rng() * 12);
    const room: RoomRecord = {
      id: rngUuid(rng),
      emailAddress: `room-${i + 1}@${tenant.domain}`,
      displayName: `${building} ${floor}.${String(i + 1).padStart(3, '0')}`,
      capacity: pick(rng, [2, 4, 6, 8, 10, 12, 16, 20, 40]),
      building,
      floorNumber: floor,
      floorLabel: `Floor ${floor}`,
      bookingType: rng() < 0.05 ? 'reserved' : 'standard',
      isWheelChairAccessible: rng() < 0.5,
      tags: rng() < 0.3 ? ['video'] : [],
      nickname: `R${i + 1}`,
      phone: '',
      displayDeviceName: rng() < 0.4 ? 'Surface Hub' : '',
      hiddenFromGal: rng() < hiddenShare,
      removed: false,
    };
    tenant.addRoom(room);
    lists[listIndex]?.roomEmails.push(room.emailAddress);
  }
}

function seedGroups(tenant: Tenant, spec: SeedSpec, rng: Rng): void {
  const users = tenant.users;
  const count = spec.groups ?? Math.max(3, Math.min(500, Math.ceil(users.length / 200)));
  for (let g = 0; g < count; g++) {
    const memberIds: string[] = [];
    if (users.length) {
      const size = Math.min(users.length, 1 + Math.floor(rng() * Math.min(400, users.length)));
      const start = Math.floor(rng() * users.length);
      for (let k = 0; k < size; k++) memberIds.push(users[(start + k * 7) % users.length]!.id);
    }
    const group: GroupRecord = {
      id: rngUuid(rng),
      displayName: `${pick(rng, DEPTS)} team ${g + 1}`,
      mailNickname: `team${g + 1}`,
      mail: `team${g + 1}@${tenant.domain}`,
      description: `Seeded group ${g + 1}`,
      securityEnabled: true,
      mailEnabled: g % 2 === 0,
      groupTypes: g % 3 === 0 ? ['Unified'] : [],
      createdDateTime: '2021-01-04T00:00:00Z',
      memberIds: [...new Set(memberIds)],
    };
    // Every third group (after the first) nests the previous one: chains exercise transitiveMembers.
    const prev = tenant.groups[g - 1];
    if (g > 0 && g % 3 === 0 && prev) group.memberIds.push(prev.id);
    tenant.addGroup(group);
  }
}

function seedEvents(tenant: Tenant, spec: SeedSpec, rng: Rng): void {
  const perRoom = spec.eventsPerRoom ?? 3;
  const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  for (const room of tenant.rooms) {
    for (let k = 0; k < perRoom; k++) {
      const organizer = tenant.users.length ? pick(rng, tenant.users) : undefined;
      const start = day + Math.floor(rng() * 14) * 86_400_000 + (8 + Math.floor(rng() * 9)) * 3_600_000;
      const ev: EventRecord = {
        id: eventId(rng),
        roomId: room.id,
        subject: `Meeting ${k + 1} in ${room.displayName}`,
        start: new Date(start).toISOString(),
        end: new Date(start + 3_600_000).toISOString(),
        organizer: {
          name: String(organizer?.props.displayName ?? 'Organizer'),
          address: String(organizer?.props.mail ?? `organizer@${tenant.domain}`),
        },
        attendees: [{ name: room.displayName, address: room.emailAddress, type: 'resource', response: 'accepted' }],
        roomResponse: 'accepted',
        isCancelled: false,
        deleted: false,
        createdDateTime: new Date(day - 86_400_000).toISOString(),
        lastModifiedDateTime: new Date(day - 86_400_000).toISOString(),
        changeKey: rngUuid(rng).replace(/-/g, '').slice(0, 20),
        iCalUId: `040000008200E00074C5B7101A82E008${rngUuid(rng).replace(/-/g, '').toUpperCase()}`,
        lastSeq: 0,
      };
      tenant.addEvent(ev);
    }
  }
}

function seedSeries(tenant: Tenant, perRoom: number): void {
  const tomorrow = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000;
  for (const room of tenant.rooms) {
    for (let k = 0; k < perRoom; k++) {
      const start = tomorrow + (9 + k) * 3_600_000;
      bookSeries(tenant, room.id, {
        subject: `Daily sync ${k + 1}`,
        start: new Date(start).toISOString(),
        end: new Date(start + 1_800_000).toISOString(),
        count: 10,
      });
    }
  }
}

/** Outlook-style event id: long base64url. */
export function eventId(rng: Rng): string {
  const bytes = Buffer.alloc(48);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng() * 256);
  return `AAMkA${bytes.toString('base64url')}`;
}
