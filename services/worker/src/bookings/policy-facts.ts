/**
 * What `checkBookings` needs besides the bookings: the organizers' ONES groups (active synced
 * users by email), the groups' names, and the series masters (read from Graph once per run: the
 * master's version and how far the series reaches, from its recurrence range or, for a numbered
 * one, its first occurrence past the horizon).
 */
import { DateTime, IANAZone } from 'luxon';
import type { PolicyRules, RoomPolicy } from '@ones-m365/shared/bookings';
import type { GroupRepository, UserRepository } from '@ones-m365/shared/db';
import { GraphNotFoundError, type GraphClient, type GraphConnection, type GraphEvent } from '@ones-m365/shared/graph';
import type { Candidate, SeriesInfo } from './check-bookings.js';

const DAY = 86_400_000;
/** How far past the horizon a numbered series is looked for (a series reaching further is rare and breaks it anyway). */
const LOOK_PAST_HORIZON_DAYS = 5 * 365;

export interface PolicyFactsDeps {
  users: Pick<UserRepository, 'activeByEmails'>;
  groups: Pick<GroupRepository, 'list'>;
  graph: Pick<GraphClient, 'getEvent' | 'seriesInstances'>;
}

export interface PolicyFacts {
  organizers: Map<string, readonly string[]>;
  groupNames?: Map<string, string>;
  series: Map<string, SeriesInfo>;
}

/** Whether any rule of the series' own is set (only then are masters read). */
export function checksSeries(rules: PolicyRules): boolean {
  return (
    rules.allowRecurring === false ||
    rules.maxRecurrenceDays !== undefined ||
    rules.enforceCapacity === true ||
    rules.allowedGroupIds !== undefined
  );
}

export async function gatherPolicyFacts(
  deps: PolicyFactsDeps,
  conn: GraphConnection,
  scope: { integrationId: string; roomEmail: string; policy: RoomPolicy },
  candidates: readonly Candidate[],
  opts: {
    /** Series made or changed before this are not checked as series (the policy is not retroactive); null: all. */
    seriesSince: Date | null;
    /** Masters read earlier in this run (null: the master is gone). */
    cache: Map<string, SeriesInfo | null>;
  },
): Promise<PolicyFacts> {
  const rules = scope.policy.rules;
  const emails = [...new Set(candidates.map((c) => c.facts.organizerEmail).filter((e): e is string => !!e))];
  const users = rules.allowedGroupIds ? await deps.users.activeByEmails(scope.integrationId, emails) : null;
  const organizers = new Map<string, readonly string[]>([...(users ?? [])].map(([email, u]) => [email, u.groupIds]));
  const groupNames = rules.allowedGroupIds ? new Map((await deps.groups.list()).map((g) => [g.id, g.name])) : undefined;
  const series = new Map<string, SeriesInfo>();
  if (checksSeries(rules)) {
    for (const masterId of new Set(candidates.map((c) => c.seriesMasterId).filter((m): m is string => !!m))) {
      if (!opts.cache.has(masterId))
        opts.cache.set(masterId, await readSeries(deps.graph, conn, scope.roomEmail, masterId, rules));
      const info = opts.cache.get(masterId);
      if (info && (opts.seriesSince === null || info.facts.bookedAt >= opts.seriesSince)) series.set(masterId, info);
    }
  }
  return { organizers, ...(groupNames ? { groupNames } : {}), series };
}

async function readSeries(
  graph: PolicyFactsDeps['graph'],
  conn: GraphConnection,
  roomEmail: string,
  masterId: string,
  rules: PolicyRules,
): Promise<SeriesInfo | null> {
  let master: GraphEvent;
  try {
    master = await graph.getEvent(conn, roomEmail, masterId);
  } catch (err) {
    if (err instanceof GraphNotFoundError) return null;
    throw err;
  }
  const stamp = Date.parse(master.lastModifiedDateTime ?? master.createdDateTime ?? '');
  const bookedAt = new Date(Number.isNaN(stamp) ? Date.now() : stamp);
  return {
    changeKey: master.changeKey ?? '',
    facts: { masterId, bookedAt, end: await seriesEnd(graph, conn, roomEmail, master, bookedAt, rules) },
  };
}

/** When the series' last occurrence ends (null: never), as far as the horizon rule needs to know. */
async function seriesEnd(
  graph: PolicyFactsDeps['graph'],
  conn: GraphConnection,
  roomEmail: string,
  master: GraphEvent,
  bookedAt: Date,
  rules: PolicyRules,
): Promise<Date | null> {
  const range = master.recurrence;
  if (range?.type === 'noEnd') return null;
  if (range?.type === 'endDate' && range.endDate) {
    const zone =
      range.recurrenceTimeZone && IANAZone.isValidZone(range.recurrenceTimeZone) ? range.recurrenceTimeZone : 'UTC';
    return DateTime.fromISO(range.endDate, { zone }).endOf('day').toJSDate();
  }
  if (rules.maxRecurrenceDays === undefined) return null;
  const horizon = new Date(bookedAt.getTime() + rules.maxRecurrenceDays * DAY);
  const past = await graph.seriesInstances(conn, roomEmail, master.id, {
    start: horizon,
    end: new Date(horizon.getTime() + LOOK_PAST_HORIZON_DAYS * DAY),
    top: 1,
  });
  const beyond = past.find((e) => e.end && Date.parse(e.end) > horizon.getTime());
  return beyond?.end ? new Date(beyond.end) : horizon;
}
