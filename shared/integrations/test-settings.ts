/**
 * "Test settings": an app-only token for the integration's cloud, the granted application
 * permissions read from its `roles` claim, then one probe per API. Every failure an admin can
 * cause is answered in words, with the portal step that fixes it.
 */
import {
  GraphAuthError,
  GraphForbiddenError,
  isGraphFailure,
  resolveCloud,
  type GraphClient,
  type GraphConnection,
  type GraphRoom,
} from '../graph/index.js';
import { DeadlineError, withinDeadline } from '../errors/index.js';
import { discoverPager } from './pager-discovery.js';
import { AUTH_HINTS, PAGER_HINT, PLACES_HINT, permissionHint } from './portal-hints.js';

export const REQUIRED_PERMISSIONS = [
  'Calendars.ReadWrite',
  'Group.Read.All',
  'Place.Read.All',
  'User.Read.All',
] as const;

export interface SettingsCheck {
  name: 'token' | 'permissions' | 'rooms' | 'users' | 'groups' | 'calendar' | 'pager';
  ok: boolean;
  message: string;
}

export interface SettingsTestResult {
  ok: boolean;
  testedAt: string;
  permissions: { required: string[]; granted: string[]; missing: string[] };
  checks: SettingsCheck[];
  /** The discovered `extension_<appId>_pager` property, when the tenant has one. */
  pagerAttribute?: string;
  error?: { code: string; message: string; hint: string };
}

export type TestGraph = Pick<
  GraphClient,
  'getToken' | 'listRoomsPage' | 'listUsersPage' | 'listGroupsPage' | 'listEvents' | 'getAvailableExtensionProperties'
>;

export interface TestOptions {
  /** The whole token step must answer within this, even when the login host hangs. */
  tokenDeadlineMs?: number;
  probeDeadlineMs?: number;
  now?: () => Date;
}

const deadline = <T>(ms: number, p: Promise<T>): Promise<T> => withinDeadline(p, ms, `no answer within ${ms / 1000} s`);

function describe(err: unknown): string {
  if (err instanceof DeadlineError) return `Microsoft did not answer in time (${err.message})`;
  if (isGraphFailure(err)) return `${err.message}${err.graphCode ? ` [${err.graphCode}]` : ''}`;
  return (err as Error).message;
}

/** `host[:port]` of the login host a token request for `conn` goes to (null: endpoints unusable). */
export function loginHostOf(conn: GraphConnection): string | null {
  try {
    return new URL(resolveCloud(conn).authority).host;
  } catch {
    return null;
  }
}

export async function testSettings(
  graph: TestGraph,
  conn: GraphConnection,
  opts: TestOptions = {},
): Promise<SettingsTestResult> {
  const testedAt = (opts.now ?? (() => new Date()))().toISOString();
  const required = [...REQUIRED_PERMISSIONS];
  const fail = (
    checks: SettingsCheck[],
    granted: string[],
    error: SettingsTestResult['error'],
  ): SettingsTestResult => ({
    ok: false,
    testedAt,
    permissions: { required, granted, missing: required.filter((p) => !granted.includes(p)) },
    checks,
    ...(error ? { error } : {}),
  });

  let roles: string[];
  try {
    roles = (await deadline(opts.tokenDeadlineMs ?? 5_000, graph.getToken(conn))).roles;
  } catch (err) {
    const host = loginHostOf(conn);
    const message =
      err instanceof DeadlineError && host
        ? `The login host ${host} did not answer in time (${err.message})`
        : describe(err);
    const checks: SettingsCheck[] = [{ name: 'token', ok: false, message }];
    if (err instanceof GraphAuthError) {
      return fail(checks, [], {
        code: err.reason,
        message,
        hint: AUTH_HINTS[err.reason] ?? 'Check the tenant ID, client ID, client secret and service operator.',
      });
    }
    const code = err instanceof DeadlineError ? 'login_timeout' : isGraphFailure(err) ? err.code : 'token_failed';
    return fail(checks, [], {
      code,
      message,
      hint: `Check that this server can reach the login host ${host ?? 'of the chosen cloud'} over HTTPS (firewall, proxy, DNS) and that the service operator is right.`,
    });
  }

  const granted = [...roles].sort();
  const missing = required.filter((p) => !roles.includes(p));
  const checks: SettingsCheck[] = [{ name: 'token', ok: true, message: 'An app-only token was issued' }];
  if (missing.length) {
    const none = roles.length === 0;
    const message = none
      ? 'Admin consent has not been granted: the token carries no application permissions'
      : `Missing application permissions: ${missing.join(', ')}`;
    checks.push({ name: 'permissions', ok: false, message });
    // Probing APIs that are known to answer 403 would only repeat the same news.
    return fail(checks, granted, {
      code: none ? 'consent_missing' : 'permission_missing',
      message,
      hint: permissionHint(missing, none),
    });
  }
  checks.push({ name: 'permissions', ok: true, message: `Granted: ${granted.join(', ')}` });

  const probeMs = opts.probeDeadlineMs ?? 10_000;
  const probe = async (name: SettingsCheck['name'], fn: () => Promise<string>): Promise<SettingsCheck> => {
    try {
      return { name, ok: true, message: await deadline(probeMs, fn()) };
    } catch (err) {
      return { name, ok: false, message: describe(err) };
    }
  };

  let firstRoom: GraphRoom | undefined;
  const [rooms, users, groups] = await Promise.all([
    probe('rooms', async () => {
      try {
        const page = await graph.listRoomsPage(conn);
        firstRoom = page.rooms[0];
        if (!firstRoom) throw new Error(`No rooms were returned by the Places API. ${PLACES_HINT}`);
        return `Rooms are readable (e.g. ${firstRoom.displayName ?? firstRoom.emailAddress})`;
      } catch (err) {
        if (isGraphFailure(err) && !(err instanceof GraphForbiddenError))
          throw new Error(`${describe(err)}. ${PLACES_HINT}`, { cause: err });
        throw err;
      }
    }),
    probe('users', async () => {
      const page = await graph.listUsersPage(conn, { select: ['id'], top: 1 });
      return page.users.length ? 'Users are readable' : 'No users were returned';
    }),
    probe('groups', async () => {
      await graph.listGroupsPage(conn, { select: ['id'], top: 1 });
      return 'Groups are readable';
    }),
  ]);
  checks.push(rooms, users, groups);

  const calendar = firstRoom
    ? await probe('calendar', async () => {
        const mailbox = firstRoom!.emailAddress ?? firstRoom!.id;
        await graph.listEvents(conn, mailbox, { top: 1 });
        return `The calendar of ${mailbox} is readable`;
      })
    : { name: 'calendar' as const, ok: false, message: 'No room to read a calendar from' };
  checks.push(calendar);

  let pagerAttribute: string | undefined;
  const pager = await probe('pager', async () => {
    const discovered = await discoverPager(graph, conn);
    if ('notAllowed' in discovered) {
      return `Directory extensions cannot be listed with these permissions (it needs Directory.Read.All); enter the extension_<appId>_pager name in user settings, or choose employeeId / extensionAttribute1..15. ${PAGER_HINT}`;
    }
    if ('notFound' in discovered) return `No pager extension was found. ${PAGER_HINT}`;
    pagerAttribute = discovered.found;
    return `Pager is available as ${pagerAttribute}`;
  });
  checks.push(pager);

  const failed = checks.filter((c) => !c.ok);
  const result: SettingsTestResult = {
    ok: failed.length === 0,
    testedAt,
    permissions: { required, granted, missing: [] },
    checks,
    ...(pagerAttribute ? { pagerAttribute } : {}),
  };
  if (failed.length) {
    const first = failed[0]!;
    result.error = {
      code: `${first.name}_check_failed`,
      message: first.message,
      hint: first.name === 'rooms' || first.name === 'calendar' ? PLACES_HINT : 'See the failed checks.',
    };
  }
  return result;
}
