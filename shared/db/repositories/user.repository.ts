import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { userView } from '../../events/views.js';
import { UserEntity, UserGroupEntity } from '../entities/index.js';
import type { EventRepository } from './event.repository.js';
import { columnsOf, fastUpsertBatch, toPage, upsertBatch, type Page } from './upsert.js';
import { findRows } from './simple-find.js';

/** Users a mass deactivation reads, writes and reports at once. */
const DEACTIVATION_CHUNK = 1_000;

export type UserRow = Pick<
  UserEntity,
  | 'integrationId'
  | 'graphId'
  | 'userPrincipalName'
  | 'mail'
  | 'displayName'
  | 'accountEnabled'
  | 'active'
  | 'inactiveReason'
  | 'cardNumber'
>;

/**
 * A page's user row with its id (and card number), field by field. Not spread: `{ ...row, id }`
 * over a page's rows falls to V8's slow path, a microsecond or more a row (several with more
 * fields added), where this is a small fraction of that; a 100,000-user load builds a few such
 * copies of every user.
 */
export function userRowWithId(r: UserRow, id: string, cardNumber = r.cardNumber): UserRow & { id: string } {
  return {
    id,
    integrationId: r.integrationId,
    graphId: r.graphId,
    userPrincipalName: r.userPrincipalName,
    mail: r.mail,
    displayName: r.displayName,
    accountEnabled: r.accountEnabled,
    active: r.active,
    inactiveReason: r.inactiveReason,
    cardNumber,
  };
}

export interface UserView extends UserEntity {
  groupIds: string[];
}

export class UserRepository {
  private readonly repo: Repository<UserEntity>;
  private readonly links: Repository<UserGroupEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(UserEntity);
    this.links = ds.getRepository(UserGroupEntity);
  }

  /** Set-based upsert keyed by (integration, graph id). */
  async upsertBatch(rows: UserRow[]): Promise<void> {
    const now = new Date();
    await upsertBatch(
      this.repo,
      rows.map((r) => ({ ...r, id: randomUUID(), createdAt: now, updatedAt: now })),
      columnsOf(this.repo, ['integrationId', 'graphId']),
      columnsOf(this.repo, [
        'userPrincipalName',
        'mail',
        'displayName',
        'accountEnabled',
        'active',
        'inactiveReason',
        'cardNumber',
        'updatedAt',
      ]),
    );
  }

  /**
   * One page of a sync: set-based upsert of rows whose ids the caller chose (so it knows the ids
   * of the users it creates). `cards: false` leaves stored card numbers alone; `marker` stamps
   * every row as seen by that full load.
   */
  async upsertPage(rows: (UserRow & { id: string })[], opts: { cards: boolean; marker: string | null }): Promise<void> {
    const now = new Date();
    const overwrite: (keyof UserEntity & string)[] = [
      'userPrincipalName',
      'mail',
      'displayName',
      'accountEnabled',
      'active',
      'inactiveReason',
      'updatedAt',
    ];
    if (opts.cards) overwrite.push('cardNumber');
    if (opts.marker) overwrite.push('syncMarker');
    await fastUpsertBatch(
      this.repo,
      rows.map((r) => {
        const row: Partial<UserEntity> = userRowWithId(r, r.id);
        row.syncMarker = opts.marker;
        row.createdAt = now;
        row.updatedAt = now;
        return row;
      }),
      ['integrationId', 'graphId'],
      overwrite,
    );
  }

  /** Marks users inactive with a reason (their row, card and memberships stay). */
  async deactivate(integrationId: string, graphIds: string[], reason: string): Promise<number> {
    if (graphIds.length === 0) return 0;
    const r = await this.repo.update(
      { integrationId, graphId: In(graphIds) },
      { active: false, inactiveReason: reason, updatedAt: new Date() },
    );
    return r.affected ?? 0;
  }

  /** Active users a full load stamped with `marker` did not see. */
  async countUnseen(integrationId: string, marker: string): Promise<number> {
    return await this.unseen(integrationId, marker).getCount();
  }

  /**
   * Deactivates the integration's active users (only those a full load stamped with
   * `unseenMarker` did not see, when given) with `reason`, each with its `user.deactivated`
   * event: a chunk at a time, read in the order of the (integration, graph id) key (locked on
   * MySQL: the read covers this integration's rows only), then written by primary key. Run it in
   * a transaction, whose `events` it writes to. Returns how many it deactivated.
   */
  async deactivateActive(
    integrationId: string,
    reason: string,
    events: Pick<EventRepository, 'add'>,
    opts: { unseenMarker?: string } = {},
  ): Promise<number> {
    const sqlite = this.repo.manager.connection.options.type === 'better-sqlite3';
    let after = '';
    let total = 0;
    for (;;) {
      const qb = this.repo
        .createQueryBuilder('u')
        .where('u.integrationId = :integrationId AND u.active = :active', { integrationId, active: true })
        .andWhere('u.graphId > :after', { after });
      if (opts.unseenMarker)
        qb.andWhere('(u.syncMarker IS NULL OR u.syncMarker <> :marker)', { marker: opts.unseenMarker });
      if (!sqlite) qb.setLock('pessimistic_write');
      const rows = await qb.orderBy('u.graphId', 'ASC').limit(DEACTIVATION_CHUNK).getMany();
      if (rows.length === 0) return total;
      const groups = await this.groupIdsOf(rows.map((u) => u.id));
      await events.add(
        rows.map((u) => ({
          type: 'user.deactivated' as const,
          integrationId,
          data: userView({ ...u, active: false, inactiveReason: reason }, groups.get(u.id) ?? []),
        })),
      );
      await this.repo.update(
        { id: In(rows.map((u) => u.id)) },
        { active: false, inactiveReason: reason, updatedAt: new Date() },
      );
      total += rows.length;
      if (rows.length < DEACTIVATION_CHUNK) return total;
      after = rows[rows.length - 1]!.graphId;
    }
  }

  /** The ONES groups of each user (users without any are absent). */
  async groupIdsOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>();
    if (userIds.length === 0) return byUser;
    const links = await this.links.find({ where: { userId: In([...userIds]) }, order: { groupId: 'ASC' } });
    for (const l of links) byUser.set(l.userId, [...(byUser.get(l.userId) ?? []), l.groupId]);
    return byUser;
  }

  private unseen(integrationId: string, marker: string) {
    return this.repo
      .createQueryBuilder('u')
      .where('u.integrationId = :integrationId AND u.active = :active', { integrationId, active: true })
      .andWhere('(u.syncMarker IS NULL OR u.syncMarker <> :marker)', { marker });
  }

  /**
   * Gives each claimed card to its claimant where it is the card's only claimant, no active user
   * holds the card, and the claimant is active without a card, each with its `user.updated`
   * event. Returns the claims it assigned.
   */
  async assignFreeCards(
    integrationId: string,
    claims: readonly { graphId: string; card: string }[],
    events: Pick<EventRepository, 'add'>,
  ): Promise<{ graphId: string; card: string }[]> {
    const byCard = new Map<string, Set<string>>();
    for (const c of claims) byCard.set(c.card, (byCard.get(c.card) ?? new Set()).add(c.graphId));
    const single = [...byCard]
      .filter(([, ids]) => ids.size === 1)
      .map(([card, ids]) => ({ card, graphId: [...ids][0]! }));
    if (single.length === 0) return [];
    const held = new Set(
      (
        await this.activeCardHolders(
          integrationId,
          single.map((c) => c.card),
        )
      ).map((h) => h.cardNumber),
    );
    const claimants = new Map(
      (
        await this.byGraphIds(
          integrationId,
          single.map((c) => c.graphId),
        )
      ).map((u) => [u.graphId, u]),
    );
    const assigned: { graphId: string; card: string }[] = [];
    const changed: UserEntity[] = [];
    for (const c of single) {
      const u = claimants.get(c.graphId);
      if (held.has(c.card) || !u || !u.active || u.cardNumber !== null) continue;
      await this.repo.update({ id: u.id }, { cardNumber: c.card, updatedAt: new Date() });
      assigned.push(c);
      changed.push({ ...u, cardNumber: c.card });
    }
    const groups = await this.groupIdsOf(changed.map((u) => u.id));
    await events.add(
      changed.map((u) => ({
        type: 'user.updated' as const,
        integrationId,
        data: userView(u, groups.get(u.id) ?? []),
      })),
    );
    return assigned;
  }

  /** Active users holding one of `cards`: graph id and card. */
  async activeCardHolders(integrationId: string, cards: string[]): Promise<{ graphId: string; cardNumber: string }[]> {
    if (cards.length === 0) return [];
    const rows = await this.repo.find({
      where: { integrationId, active: true, cardNumber: In(cards) },
      select: { graphId: true, cardNumber: true },
    });
    return rows.map((r) => ({ graphId: r.graphId, cardNumber: r.cardNumber ?? '' }));
  }

  async byGraphIds(integrationId: string, graphIds: string[]): Promise<UserEntity[]> {
    return await findRows(this.repo, { integrationId }, { anyOf: ['graphId', graphIds] });
  }

  async list(
    integrationId: string,
    opts: { cursor?: string; limit: number; active?: boolean },
  ): Promise<Page<UserView>> {
    const qb = this.repo.createQueryBuilder('u').where('u.integrationId = :integrationId', { integrationId });
    if (opts.active !== undefined) qb.andWhere('u.active = :active', { active: opts.active });
    if (opts.cursor) qb.andWhere('u.id > :cursor', { cursor: opts.cursor });
    const rows = await qb
      .orderBy('u.id', 'ASC')
      .take(opts.limit + 1)
      .getMany();
    const page = toPage(rows, opts.limit);
    const byUser = await this.groupIdsOf(page.items.map((u) => u.id));
    return {
      items: page.items.map((u) => Object.assign(u, { groupIds: byUser.get(u.id) ?? [] })),
      nextCursor: page.nextCursor,
    };
  }

  /** Adds users to groups; existing memberships are left as they are. */
  async addToGroups(userIds: string[], groupIds: string[]): Promise<void> {
    if (userIds.length === 0 || groupIds.length === 0) return;
    const now = new Date();
    const rows = userIds.flatMap((userId) => groupIds.map((groupId) => ({ userId, groupId, createdAt: now })));
    await this.links
      .createQueryBuilder()
      .insert()
      .into(UserGroupEntity)
      .values(rows)
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  /**
   * Active users by email address (their mail or userPrincipalName, case-insensitive), with their
   * ONES groups: who organizes a booking, as the booking policy sees it.
   */
  async activeByEmails(
    integrationId: string,
    emails: string[],
  ): Promise<Map<string, Pick<UserView, 'id' | 'mail' | 'userPrincipalName' | 'groupIds'>>> {
    const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
    if (wanted.length === 0) return new Map();
    const rows = await this.repo
      .createQueryBuilder('u')
      .select(['u.id', 'u.mail', 'u.userPrincipalName'])
      .where('u.integrationId = :integrationId', { integrationId })
      .andWhere('u.active = :active', { active: true })
      .andWhere('(LOWER(u.mail) IN (:...wanted) OR LOWER(u.userPrincipalName) IN (:...wanted))', { wanted })
      .getMany();
    const links = rows.length ? await this.links.find({ where: { userId: In(rows.map((u) => u.id)) } }) : [];
    const out = new Map<string, Pick<UserView, 'id' | 'mail' | 'userPrincipalName' | 'groupIds'>>();
    for (const u of rows) {
      const view = {
        id: u.id,
        mail: u.mail,
        userPrincipalName: u.userPrincipalName,
        groupIds: links.filter((l) => l.userId === u.id).map((l) => l.groupId),
      };
      for (const key of [u.mail, u.userPrincipalName])
        if (key && wanted.includes(key.toLowerCase())) out.set(key.toLowerCase(), view);
    }
    return out;
  }

  async countActive(integrationId: string): Promise<number> {
    return await this.repo.count({ where: { integrationId, active: true } });
  }
}
