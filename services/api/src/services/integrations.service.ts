/**
 * Integration settings: the server settings (credentials, encrypted at rest), "Test settings",
 * the room and user settings, the Redirect URI. Routes stay thin; this holds the rules.
 */
import { randomUUID } from 'node:crypto';
import type { SecretBox } from '@ones-m365/shared/crypto';
import {
  isUniqueViolation,
  type GroupRepository,
  type IntegrationEntity,
  type IntegrationRepository,
  type LiveKeyFields,
} from '@ones-m365/shared/db';
import {
  ConflictError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
  type FieldIssue,
} from '@ones-m365/shared/errors';
import { GraphNotFoundError, type GraphClient, type GraphConnection, type GraphRoom } from '@ones-m365/shared/graph';
import {
  discoverPager,
  isSecretReason,
  learnTenantGuid,
  PAGER_HINT,
  readRoomSettings,
  readUserSettings,
  sealSecret,
  testSettings,
  toGraphConnection,
  type RoomSettings,
  type SettingsTestResult,
  type UserSettings,
} from '@ones-m365/shared/integrations';
import type { Logger } from '@ones-m365/shared/logging';
import { syncFollowUp, type Outbox } from '@ones-m365/shared/outbox';
import { existingIntegration } from './existing-integration.js';
import type { CreateIntegration, Credentials, PatchIntegration } from '../routes/integration.schemas.js';
import { missingSecretIssues } from './credential-destination.js';

export interface IntegrationsServiceDeps {
  integrations: IntegrationRepository;
  groups: GroupRepository;
  graph: GraphClient;
  secretBox: SecretBox;
  logger: Logger;
  config: { allowCustomEndpoints: boolean; publicBaseUrl: string };
  /**
   * Settings are saved under the integration's lock, with the sync an enabled integration needs
   * when they changed what a sync reads (the room selection: rooms; the card attribute or user
   * scope: users, in full, since a stored deltaLink keeps the `$select` it was made with).
   */
  outbox: Pick<Outbox, 'write'>;
}

const CREDENTIAL_FIELDS = ['cloud', 'tenantId', 'clientId', 'clientSecret', 'endpoints'] as const;

export class IntegrationsService {
  constructor(private readonly deps: IntegrationsServiceDeps) {}

  list(): Promise<IntegrationEntity[]> {
    return this.deps.integrations.list();
  }

  get(id: string): Promise<IntegrationEntity> {
    return existingIntegration(this.deps.integrations, id);
  }

  private checkEndpoints(endpoints: unknown): void {
    if (endpoints && !this.deps.config.allowCustomEndpoints) {
      throw new ValidationError('Invalid request: body.endpoints', [
        {
          field: 'body.endpoints',
          message: 'custom endpoints are disabled on this deployment (ALLOW_CUSTOM_ENDPOINTS=false)',
        },
      ]);
    }
  }

  async create(input: CreateIntegration): Promise<IntegrationEntity> {
    this.checkEndpoints(input.endpoints);
    const id = randomUUID();
    const created = await this.refusingDuplicates(input, () =>
      this.deps.integrations.create({
        id,
        name: input.name,
        cloud: input.cloud,
        tenantId: input.tenantId,
        clientId: input.clientId.toLowerCase(),
        endpoints: input.endpoints ?? null,
        clientSecretExpiresAt: input.clientSecretExpiresAt ?? null,
        ...sealSecret(this.deps.secretBox, id, input.clientSecret),
      }),
    );
    this.deps.logger.info('integration created', { integrationId: id, cloud: input.cloud });
    return created;
  }

  async update(id: string, patch: PatchIntegration): Promise<IntegrationEntity> {
    const current = await this.get(id);
    this.checkEndpoints(patch.endpoints);
    const secretIssues = missingSecretIssues(current, patch);
    if (secretIssues.length)
      throw new ValidationError(`Invalid request: ${secretIssues.map((i) => i.field).join(', ')}`, secretIssues);
    const { clientSecret, ...rest } = patch;
    const changes: Partial<IntegrationEntity> = { ...rest };
    if (rest.clientId) changes.clientId = rest.clientId.toLowerCase();
    if (clientSecret !== undefined)
      Object.assign(changes, sealSecret(this.deps.secretBox, id, clientSecret), rotatedSecretChanges(current, patch));
    const credentialsChanged = CREDENTIAL_FIELDS.some((f) => patch[f] !== undefined);
    if (credentialsChanged) {
      // The old MSAL app and its tokens belong to the old credentials; the last test too.
      this.deps.graph.invalidate(id);
      changes.lastTest = null;
    }
    if (patch.tenantId !== undefined && patch.tenantId !== current.tenantId) changes.tenantGuid = null;
    const updated = await this.refusingDuplicates({ ...current, ...rest }, () =>
      this.deps.integrations.update(current.id, changes),
    );
    // Deleted meanwhile: the update matched no live row.
    if (!updated) throw new NotFoundError('Integration');
    this.deps.logger.info('integration updated', {
      integrationId: id,
      fields: Object.keys(patch),
      secretRotated: clientSecret !== undefined,
    });
    return updated;
  }

  /**
   * Runs a write that may give a second live integration the same cloud + tenant + client ID; the
   * database's unique key refuses it (however many race), answered 409 naming the one that exists.
   */
  private async refusingDuplicates<T>(fields: LiveKeyFields, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      const existing = isUniqueViolation(err) ? await this.deps.integrations.findLive(fields) : null;
      if (!existing) throw err;
      throw new ConflictError(
        `Integration ${existing.id} ("${existing.name}") already connects this tenant and client ID (${existing.cloud} cloud)`,
        { integrationId: existing.id, name: existing.name, fields: ['body.cloud', 'body.tenantId', 'body.clientId'] },
      );
    }
  }

  connection(integration: IntegrationEntity): GraphConnection {
    return toGraphConnection(integration, this.deps.secretBox);
  }

  async test(id: string): Promise<SettingsTestResult> {
    const integration = await this.get(id);
    const conn = this.connection(integration);
    const result = await testSettings(this.deps.graph, conn);
    const tenantGuid = result.checks[0]?.ok ? await learnTenantGuid(this.deps.graph, integration, conn) : null;
    await this.deps.integrations.update(id, { lastTest: result, ...(tenantGuid ? { tenantGuid } : {}) });
    this.deps.logger.info('settings tested', { integrationId: id, ok: result.ok, error: result.error?.code });
    return result;
  }

  /** Tests values that are not saved yet, under a throwaway connection id. */
  async testUnsaved(input: Credentials): Promise<SettingsTestResult> {
    this.checkEndpoints(input.endpoints);
    const conn: GraphConnection = { id: `unsaved-${randomUUID()}`, ...input, endpoints: input.endpoints ?? null };
    try {
      return await testSettings(this.deps.graph, conn);
    } finally {
      this.deps.graph.invalidate(conn.id);
    }
  }

  async availableRooms(id: string): Promise<GraphRoom[]> {
    const conn = this.connection(await this.get(id));
    const rooms: GraphRoom[] = [];
    for await (const room of this.deps.graph.iterateRooms(conn)) rooms.push(room);
    return rooms;
  }

  async setRoomSettings(id: string, settings: RoomSettings): Promise<IntegrationEntity> {
    const integration = await this.get(id);
    const normalized: RoomSettings =
      settings.mode === 'selected'
        ? { mode: 'selected', roomEmails: [...new Set(settings.roomEmails!.map((e) => e.toLowerCase()))] }
        : { mode: 'all' };
    if (normalized.mode === 'selected') {
      const known = new Set<string>();
      for await (const room of this.deps.graph.iterateRooms(this.connection(integration)))
        if (room.emailAddress) known.add(room.emailAddress.toLowerCase());
      const unknown = settings
        .roomEmails!.map((email, i) => ({ email, i }))
        .filter(({ email }) => !known.has(email.toLowerCase()));
      if (unknown.length) {
        throw new ValidationError(
          `Unknown rooms: ${unknown.map((u) => u.email).join(', ')}`,
          unknown.map(({ email, i }) => ({
            field: `body.roomEmails.${i}`,
            message: `no room with the email ${email} in the tenant`,
          })),
        );
      }
    }
    return await this.save(id, { roomSettings: normalized }, (before) =>
      before.status === 'enabled' &&
      JSON.stringify(readRoomSettings(before.roomSettings)) !== JSON.stringify(normalized)
        ? 'rooms'
        : null,
    );
  }

  async setUserSettings(id: string, settings: UserSettings): Promise<IntegrationEntity> {
    const integration = await this.get(id);
    const issues: FieldIssue[] = [];
    const existing = new Set(await this.deps.groups.existing(settings.defaultGroupIds));
    settings.defaultGroupIds.forEach((g, i) => {
      if (!existing.has(g)) issues.push({ field: `body.defaultGroupIds.${i}`, message: `no ONES group with id ${g}` });
    });
    if (settings.cardNumber.enabled && !settings.cardNumber.attribute) {
      issues.push({
        field: 'body.cardNumber.attribute',
        message: 'must name the card number source when cardNumber.enabled is true',
      });
    }
    const conn = this.connection(integration);
    for (const [i, groupId] of (settings.userScope?.groupIds ?? []).entries()) {
      try {
        await this.deps.graph.getGroup(conn, groupId);
      } catch (err) {
        if (!(err instanceof GraphNotFoundError)) throw err;
        issues.push({
          field: `body.userScope.groupIds.${i}`,
          message: `no Entra group with id ${groupId} in the tenant`,
        });
      }
    }
    if (issues.length) throw new ValidationError(`Invalid request: ${issues.map((i) => i.field).join(', ')}`, issues);

    const stored: UserSettings & { resolvedCardAttribute?: string } = { ...settings };
    if (settings.cardNumber.enabled && settings.cardNumber.attribute === 'pager') {
      stored.resolvedCardAttribute = await this.discoverPager(conn);
    }
    const reads = (u: UserSettings & { resolvedCardAttribute?: string }) =>
      JSON.stringify([
        u.cardNumber.enabled,
        u.cardNumber.attribute,
        u.resolvedCardAttribute,
        u.userScope?.groupIds ?? [],
      ]);
    return await this.save(id, { userSettings: stored }, (before) =>
      before.status === 'enabled' && reads(readUserSettings(before.userSettings)) !== reads(stored) ? 'users' : null,
    );
  }

  /** Saves settings under the integration's lock, with the full sync `resync` asks for (judged on the locked row). */
  private async save(
    id: string,
    changes: Partial<IntegrationEntity>,
    resync: (before: IntegrationEntity) => 'rooms' | 'users' | null,
  ): Promise<IntegrationEntity> {
    const done = await this.deps.outbox.write(id, async (tx) => {
      const stream = resync(tx.integration);
      return {
        value: await tx.integrations.update(id, changes),
        followUps: stream ? [syncFollowUp(stream, 'full', 'resync')] : [],
      };
    });
    if (!done?.value) throw new NotFoundError('Integration');
    return done.value;
  }

  /** `pager` is not a Graph property: find the directory extension Entra Connect made of it. */
  private async discoverPager(conn: GraphConnection): Promise<string> {
    const discovered = await discoverPager(this.deps.graph, conn);
    if ('notAllowed' in discovered) {
      throw new UnprocessableError(
        'pager_not_discoverable',
        "The pager extension cannot be discovered with this app's permissions (listing directory extensions needs Directory.Read.All). Enter its name, extension_<appId>_pager, as the attribute instead.",
        { hint: PAGER_HINT },
      );
    }
    if ('notFound' in discovered)
      throw new UnprocessableError('pager_not_found', 'The tenant has no pager directory extension.', {
        hint: PAGER_HINT,
      });
    return discovered.found;
  }

  redirectUri(): string {
    return `${this.deps.config.publicBaseUrl}/auth/callback`;
  }
}

/** A new secret brings its own expiry (none given: unknown) and clears what the old one's status said. */
function rotatedSecretChanges(current: IntegrationEntity, patch: PatchIntegration): Partial<IntegrationEntity> {
  return {
    clientSecretExpiresAt: patch.clientSecretExpiresAt ?? null,
    ...(isSecretReason(current.statusReason) ? { statusReason: null } : {}),
  };
}
