/**
 * The control operations, as typed methods. startGraphSimulator() returns an instance (plus URLs);
 * the HTTP control API under /_control maps onto the same methods. `tenantId` defaults to the primary tenant.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CounterRow } from '../counters.js';
import type {
  ErrorFaultSpec,
  FaultSnapshot,
  IdTokenFaultSpec,
  LatencyFaultSpec,
  NotificationFaultSpec,
  SignInErrorFaultSpec,
} from '../faults/faults.js';
import { subscriptionJson } from '../graph/subscriptions.js';
import type { DeliveryRecord } from '../notifications/notifier.js';
import type { Settings } from '../settings.js';
import type { EventRecord, GroupRecord, MeetingMessage, RoomRecord } from '../tenant/model.js';
import * as m from '../tenant/mutations.js';
import { SimulatorError } from '../tenant/mutations.js';
import { buildApp, seedTenant, type SeedAppSpec, type SeedSpec } from '../tenant/seed.js';
import { createRng } from '../tenant/random.js';
import { bookSeries, cancelSeries, type SeriesInput } from '../tenant/series.js';
import type { Tenant } from '../tenant/tenant.js';
import type { SimulatorCore } from '../simulator.js';
import { appInfo, userView, type AppInfo, type TenantInfo, type UserView } from './views.js';

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export class SimulatorControl {
  constructor(protected readonly core: SimulatorCore) {}

  protected tenant(tenantId?: string): Tenant {
    if (!tenantId || tenantId === 'primary') return this.core.primary;
    const t = this.core.ctx.tenants.find(tenantId);
    if (!t) throw new SimulatorError(404, `tenant ${tenantId} not found`);
    return t;
  }

  // ---- tenants and apps
  state(): Record<string, unknown> {
    return {
      cloud: this.core.ctx.cloud,
      tenants: this.core.ctx.tenants.all().map((t) => t.summary()),
      subscriptions: this.core.ctx.subscriptions.size,
      pendingNotifications: this.core.ctx.notifier.pending,
      authCodes: this.core.ctx.authCodes.size,
      verifiedTokenCache: this.core.ctx.keys.cacheSize,
    };
  }

  tenantInfo(tenantId?: string): TenantInfo {
    const t = this.tenant(tenantId);
    return {
      tenantId: t.id,
      cloud: t.cloud,
      displayName: t.displayName,
      domain: t.domain,
      pagerExtension: t.pagerExtension,
      extensionAppId: t.extensionAppId,
      apps: [...t.apps.values()].map(appInfo),
    };
  }

  createTenant(spec: SeedSpec = {}): TenantInfo {
    const t = seedTenant({ seed: Math.floor(Math.random() * 2 ** 31), ...spec }, spec.cloud ?? this.core.ctx.cloud);
    if (this.core.ctx.tenants.find(t.id)) throw new SimulatorError(409, `tenant ${t.id} already exists`);
    this.core.addTenant(t);
    return this.tenantInfo(t.id);
  }

  createApp(spec: SeedAppSpec = {}, tenantId?: string): AppInfo {
    const t = this.tenant(tenantId);
    const app = buildApp(
      { secret: `sim~${randomBytes(24).toString('base64url')}`, ...spec },
      0,
      createRng(Math.floor(Math.random() * 2 ** 31)),
    );
    if (spec.appId) app.appId = spec.appId;
    if (t.apps.has(app.appId)) throw new SimulatorError(409, `app ${app.appId} already exists in tenant ${t.id}`);
    t.apps.set(app.appId, app);
    return appInfo(app);
  }

  private app(appId: string, tenantId?: string) {
    const a = this.tenant(tenantId).apps.get(appId);
    if (!a) throw new SimulatorError(404, `app ${appId} not found`);
    return a;
  }

  updateApp(
    appId: string,
    patch: { permissions?: string[]; redirectUris?: string[]; displayName?: string },
    tenantId?: string,
  ): AppInfo {
    const a = this.app(appId, tenantId);
    if (patch.permissions) a.permissions = new Set(patch.permissions);
    if (patch.redirectUris) a.redirectUris = [...patch.redirectUris];
    if (patch.displayName) a.displayName = patch.displayName;
    return appInfo(a);
  }

  /** Adds a client secret (value random when absent); `expiresAt` may be in the past to simulate expiry. */
  addSecret(
    appId: string,
    spec: { value?: string; expiresAt?: string } = {},
    tenantId?: string,
  ): { keyId: string; value: string; expiresAt: string } {
    const a = this.app(appId, tenantId);
    const value = spec.value ?? `sim~${randomBytes(24).toString('base64url')}`;
    const s = {
      keyId: randomUUID(),
      value,
      hint: value.slice(0, 3),
      expiresAt: spec.expiresAt ?? new Date(Date.now() + 365 * 86_400_000).toISOString(),
    };
    a.secrets.push(s);
    return { keyId: s.keyId, value, expiresAt: s.expiresAt };
  }

  /** Marks every secret of the app expired (AADSTS7000222 from now on). */
  expireSecrets(appId: string, tenantId?: string): void {
    for (const s of this.app(appId, tenantId).secrets) s.expiresAt = new Date(Date.now() - 1000).toISOString();
  }

  /** Grants and/or revokes admin consent for application permissions (affects tokens issued afterwards). */
  setConsent(appId: string, change: { grant?: string[]; revoke?: string[] }, tenantId?: string): AppInfo {
    const a = this.app(appId, tenantId);
    for (const p of change.grant ?? []) a.permissions.add(p);
    for (const p of change.revoke ?? []) a.permissions.delete(p);
    return appInfo(a);
  }

  // ---- users
  getUser(idOrUpn: string, tenantId?: string): UserView {
    const u = this.tenant(tenantId).findUser(idOrUpn);
    if (!u) throw new SimulatorError(404, `user ${idOrUpn} not found`);
    return userView(u);
  }
  /** Users by position (for tests picking "some user"). */
  listUsers(opts: { offset?: number; limit?: number; state?: string } = {}, tenantId?: string): UserView[] {
    const all = this.tenant(tenantId).users.filter((u) => !opts.state || u.state === opts.state);
    return all.slice(opts.offset ?? 0, (opts.offset ?? 0) + (opts.limit ?? 100)).map(userView);
  }
  createUser(props: Record<string, unknown>, tenantId?: string): UserView {
    return userView(m.createUser(this.tenant(tenantId), props));
  }
  updateUser(idOrUpn: string, patch: Record<string, unknown>, tenantId?: string): UserView {
    return userView(m.updateUser(this.tenant(tenantId), idOrUpn, patch));
  }
  disableUser(idOrUpn: string, tenantId?: string): UserView {
    return userView(m.disableUser(this.tenant(tenantId), idOrUpn));
  }
  enableUser(idOrUpn: string, tenantId?: string): UserView {
    return userView(m.enableUser(this.tenant(tenantId), idOrUpn));
  }
  softDeleteUser(idOrUpn: string, tenantId?: string): UserView {
    return userView(m.softDeleteUser(this.tenant(tenantId), idOrUpn));
  }
  restoreUser(idOrUpn: string, tenantId?: string): UserView {
    return userView(m.restoreUser(this.tenant(tenantId), idOrUpn));
  }
  hardDeleteUser(idOrUpn: string, tenantId?: string): UserView {
    return userView(m.hardDeleteUser(this.tenant(tenantId), idOrUpn));
  }

  // ---- rooms and calendars
  listRooms(tenantId?: string): RoomRecord[] {
    return this.tenant(tenantId)
      .rooms.filter((r) => !r.removed)
      .map((r) => ({ ...r }));
  }
  addRoom(
    input: Partial<RoomRecord> & { emailAddress: string; roomListEmail?: string },
    tenantId?: string,
  ): RoomRecord {
    const t = this.tenant(tenantId);
    const { roomListEmail, ...rest } = input;
    const room = m.addRoom(t, rest);
    if (roomListEmail)
      t.roomLists
        .find((l) => l.emailAddress.toLowerCase() === roomListEmail.toLowerCase())
        ?.roomEmails.push(room.emailAddress);
    return { ...room };
  }
  updateRoom(idOrEmail: string, patch: Partial<RoomRecord>, tenantId?: string): RoomRecord {
    return { ...m.updateRoom(this.tenant(tenantId), idOrEmail, patch) };
  }
  removeRoom(idOrEmail: string, tenantId?: string): RoomRecord {
    return { ...m.removeRoom(this.tenant(tenantId), idOrEmail) };
  }
  listEvents(roomIdOrEmail: string, tenantId?: string): EventRecord[] {
    const t = this.tenant(tenantId);
    const room = t.findRoom(roomIdOrEmail);
    if (!room) throw new SimulatorError(404, `room ${roomIdOrEmail} not found`);
    return (t.calendars.get(room.id) ?? []).filter((e) => !e.deleted).map((e) => structuredClone(e));
  }
  getEvent(eventId: string, tenantId?: string): EventRecord {
    const e = this.tenant(tenantId).eventsById.get(eventId);
    if (!e) throw new SimulatorError(404, `event ${eventId} not found`);
    return structuredClone(e);
  }
  /** Someone books the room in Outlook. */
  bookEvent(roomIdOrEmail: string, input: m.BookingInput, tenantId?: string): EventRecord {
    return structuredClone(m.bookEvent(this.tenant(tenantId), roomIdOrEmail, input));
  }
  /** The organizer moves (or renames) the meeting. */
  moveEvent(eventId: string, patch: Partial<m.BookingInput>, tenantId?: string): EventRecord {
    return structuredClone(m.moveEvent(this.tenant(tenantId), eventId, patch));
  }
  /** The organizer cancels the meeting: it leaves the room's calendar. */
  cancelEvent(eventId: string, tenantId?: string): EventRecord {
    const t = this.tenant(tenantId);
    return structuredClone(
      t.eventsById.get(eventId)?.type === 'seriesMaster' ? cancelSeries(t, eventId) : m.cancelEvent(t, eventId),
    );
  }
  /** A recurring meeting: its master and `count` occurrences, `intervalDays` apart. */
  bookSeries(
    roomIdOrEmail: string,
    input: SeriesInput,
    tenantId?: string,
  ): { master: EventRecord; occurrences: EventRecord[] } {
    return structuredClone(bookSeries(this.tenant(tenantId), roomIdOrEmail, input));
  }
  /** A user's own calendar (organizer copies of meetings an app wrote for the user). */
  listUserEvents(userIdOrUpn: string, tenantId?: string): EventRecord[] {
    const t = this.tenant(tenantId);
    const user = t.findUser(userIdOrUpn);
    if (!user) throw new SimulatorError(404, `user ${userIdOrUpn} not found`);
    return (t.userCalendars.get(user.id) ?? []).filter((e) => !e.deleted).map((e) => structuredClone(e));
  }
  /** Declines and cancellations sent so far (what organizers and rooms received), oldest first. */
  meetingMessages(tenantId?: string): MeetingMessage[] {
    return structuredClone(this.tenant(tenantId).messages);
  }
  /** Expires the calendar delta tokens of one room only. */
  expireRoomDeltaTokens(roomIdOrEmail: string, tenantId?: string): void {
    const room = this.tenant(tenantId).findRoom(roomIdOrEmail);
    if (!room) throw new SimulatorError(404, `room ${roomIdOrEmail} not found`);
    this.core.ctx.faults.expireRoomDeltaTokens(room.id);
  }

  // ---- groups
  createGroup(input: Partial<GroupRecord> & { displayName: string }, tenantId?: string): GroupRecord {
    return structuredClone(m.createGroup(this.tenant(tenantId), input));
  }
  setGroupMembers(groupId: string, change: { add?: string[]; remove?: string[] }, tenantId?: string): GroupRecord {
    return structuredClone(m.setGroupMembers(this.tenant(tenantId), groupId, change.add ?? [], change.remove ?? []));
  }
  listGroups(tenantId?: string): GroupRecord[] {
    return this.tenant(tenantId).groups.map((g) => structuredClone(g));
  }

  // ---- subscriptions and notifications
  listSubscriptions(tenantId?: string): Record<string, unknown>[] {
    return this.core.ctx.subscriptions
      .list(tenantId ? this.tenant(tenantId).id : undefined)
      .map((s) => ({ ...subscriptionJson(s), tenantId: s.tenantId }));
  }
  /** Fires a lifecycle event to the subscription's lifecycleNotificationUrl; subscriptionRemoved also deletes it. */
  fireLifecycle(subscriptionId: string, event: LifecycleEvent): void {
    const s = this.core.ctx.subscriptions.get(subscriptionId);
    if (!s) throw new SimulatorError(404, `subscription ${subscriptionId} not found`);
    if (!s.lifecycleNotificationUrl)
      throw new SimulatorError(409, `subscription ${subscriptionId} has no lifecycleNotificationUrl`);
    this.core.ctx.notifier.lifecycle(s, event);
    if (event === 'subscriptionRemoved') this.core.ctx.subscriptions.delete(s.id);
  }
  /** Moves a subscription's expiry (e.g. into the past: it stops delivering and disappears). */
  setSubscriptionExpiry(subscriptionId: string, expiresAt: string): void {
    const s = this.core.ctx.subscriptions.get(subscriptionId);
    if (!s) throw new SimulatorError(404, `subscription ${subscriptionId} not found`);
    s.expiresAt = Date.parse(expiresAt);
    this.core.ctx.subscriptions.sweep();
  }
  /** Every POST made to subscribers (each attempt), oldest first. */
  notifications(): DeliveryRecord[] {
    return this.core.ctx.notifier.deliveries();
  }
  clearNotifications(): void {
    this.core.ctx.notifier.clearDeliveries();
  }
  notificationStats(): { pending: number; dropped: number; delivered: number; failed: number } {
    const log = this.core.ctx.notifier.deliveries();
    return {
      pending: this.core.ctx.notifier.pending,
      dropped: this.core.ctx.notifier.dropped,
      delivered: log.filter((d) => d.ok).length,
      failed: log.filter((d) => !d.ok).length,
    };
  }

  // ---- counters
  counters(): CounterRow[] {
    return this.core.ctx.counters.rows();
  }
  /** Requests served whose route template contains `route` (optionally one method/status). */
  requestCount(filter: { route?: string; method?: string; status?: number } = {}): number {
    return this.core.ctx.counters.total(filter);
  }
  resetCounters(): void {
    this.core.ctx.counters.reset();
    this.core.ctx.mailboxes.reset();
  }
  /** The most concurrent requests seen per mailbox since the counters were last reset. */
  mailboxPeaks(): Record<string, number> {
    return this.core.ctx.mailboxes.peakByMailbox();
  }
  /** The most mailbox requests seen in flight at once, all mailboxes together, since the counters were last reset. */
  mailboxPeakAll(): number {
    return this.core.ctx.mailboxes.peakAll();
  }

  // ---- faults
  faults(): FaultSnapshot {
    return this.core.ctx.faults.snapshot();
  }
  addErrorFault(spec: ErrorFaultSpec): void {
    this.core.ctx.faults.addError(spec);
  }
  addLatencyFault(spec: LatencyFaultSpec): void {
    this.core.ctx.faults.addLatency(spec);
  }
  setLoginHang(hang: boolean): void {
    this.core.ctx.faults.loginHang = hang;
  }
  expireDeltaTokens(): void {
    this.core.ctx.faults.expireDeltaTokens();
  }
  setNotificationFaults(spec: NotificationFaultSpec): void {
    this.core.ctx.faults.notifications = { ...spec };
  }
  clearFaults(): void {
    this.core.ctx.faults.clear();
  }
  /** The next sign-in(s) come back to the redirect URI with this error instead of a code. */
  addSignInErrorFault(spec: SignInErrorFaultSpec): void {
    this.core.ctx.faults.signInErrors.push({ ...spec });
  }
  /** The next ID token(s) are tampered with. */
  addIdTokenFault(spec: IdTokenFaultSpec): void {
    this.core.ctx.faults.idTokens.push({ ...spec, ...(spec.claims ? { claims: { ...spec.claims } } : {}) });
  }

  // ---- settings
  settings(): Settings {
    return structuredClone(this.core.ctx.settings);
  }
  updateSettings(patch: Partial<Settings>): Settings {
    const s = this.core.ctx.settings;
    const { subscriptionQuotas, ...rest } = patch;
    Object.assign(s, rest);
    if (subscriptionQuotas) Object.assign(s.subscriptionQuotas, subscriptionQuotas);
    return this.settings();
  }
}
