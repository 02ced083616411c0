/**
 * The soak's end state, row by row: an integration's users, rooms and bookings in MySQL against
 * its tenant in the simulator (read through the control API).
 */
import type { DataSource } from 'typeorm';
import { RoomBookingEntity, RoomEntity, UserEntity } from '@ones-m365/shared/db';
import { control, type SimulatorControl } from './sim-process.js';

export interface SoakIntegration {
  id: string;
  tenantId: string;
  users: number;
  calendars: boolean;
}

export interface Difference {
  integrationId: string;
  what: string;
}

interface SimUser {
  id: string;
  state: string;
  props: Record<string, unknown>;
}
interface SimRoom {
  id: string;
  emailAddress: string;
  displayName: string;
  capacity?: number;
  hiddenFromGal: boolean;
}
interface SimEvent {
  id: string;
  subject: string;
  start: string;
  end: string;
  type?: string;
  sensitivity?: string;
  isCancelled: boolean;
}

const nullable = (v: unknown) => (v === undefined ? null : v);

/** Users: every tenant user has one row with its attributes; the active rows are the tenant's active, enabled users. */
export async function compareUsers(
  sim: SimulatorControl,
  db: DataSource,
  integration: SoakIntegration,
): Promise<Difference[]> {
  const tenant = (await control(sim, 'GET', `/tenants/${integration.tenantId}/users?limit=1000000`)) as SimUser[];
  const rows = await db.getRepository(UserEntity).find({ where: { integrationId: integration.id } });
  const byId = new Map(rows.map((r) => [r.graphId, r]));
  const diffs: Difference[] = [];
  const note = (what: string) => diffs.length < 20 && diffs.push({ integrationId: integration.id, what });
  if (byId.size !== rows.length) note('duplicate rows');
  const expectedActive = new Set<string>();
  for (const u of tenant) {
    const row = byId.get(u.id);
    const active = u.state === 'active' && u.props.accountEnabled !== false;
    if (active) expectedActive.add(u.id);
    if (!row) {
      if (active) note(`user ${u.id} missing`);
      continue;
    }
    if (row.active !== active) note(`user ${u.id} active=${String(row.active)}, tenant ${u.state}`);
    if (u.state !== 'active') continue;
    for (const prop of ['displayName', 'userPrincipalName', 'mail'] as const)
      if (row[prop] !== nullable(u.props[prop]))
        note(`user ${u.id} ${prop} ${JSON.stringify(row[prop])} ≠ ${JSON.stringify(u.props[prop])}`);
    if (row.accountEnabled !== (u.props.accountEnabled !== false)) note(`user ${u.id} accountEnabled differs`);
  }
  for (const r of rows)
    if (r.active && !expectedActive.has(r.graphId)) note(`user ${r.graphId} active, not in the tenant`);
  return diffs;
}

/** Rooms and (for integrations with calendars) each room's bookings. */
export async function compareRoomsAndBookings(
  sim: SimulatorControl,
  db: DataSource,
  integration: SoakIntegration,
): Promise<Difference[]> {
  const tenantRooms = ((await control(sim, 'GET', `/tenants/${integration.tenantId}/rooms`)) as SimRoom[]).filter(
    (r) => !r.hiddenFromGal,
  );
  const rows = await db.getRepository(RoomEntity).find({ where: { integrationId: integration.id } });
  const diffs: Difference[] = [];
  const note = (what: string) => diffs.length < 20 && diffs.push({ integrationId: integration.id, what });
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  for (const room of tenantRooms) {
    const row = byEmail.get(room.emailAddress.toLowerCase());
    if (!row || !row.active) {
      note(`room ${room.emailAddress} missing`);
      continue;
    }
    if (row.displayName !== room.displayName) note(`room ${room.emailAddress} displayName differs`);
    if (row.capacity !== nullable(room.capacity)) note(`room ${room.emailAddress} capacity differs`);
    if (!integration.calendars) continue;
    const events = (
      (await control(sim, 'GET', `/tenants/${integration.tenantId}/rooms/${room.id}/events`)) as SimEvent[]
    ).filter((e) => e.type !== 'seriesMaster' && !e.isCancelled);
    const bookings = await db.getRepository(RoomBookingEntity).find({ where: { roomId: row.id, status: 'confirmed' } });
    const byEvent = new Map(bookings.map((b) => [b.graphEventId, b]));
    if (byEvent.size !== events.length)
      note(`room ${room.emailAddress}: ${byEvent.size} bookings, ${events.length} events`);
    for (const ev of events) {
      const b = byEvent.get(ev.id);
      if (!b) note(`room ${room.emailAddress}: event ${ev.id} not booked`);
      else if (
        b.startAt.toISOString() !== ev.start ||
        b.endAt.toISOString() !== ev.end ||
        b.subject !== (ev.sensitivity === 'private' || ev.sensitivity === 'confidential' ? null : ev.subject)
      )
        note(`room ${room.emailAddress}: event ${ev.id} differs`);
    }
  }
  const expected = new Set(tenantRooms.map((r) => r.emailAddress.toLowerCase()));
  for (const r of rows) if (r.active && !expected.has(r.email)) note(`room ${r.email} active, not in the tenant`);
  return diffs;
}
