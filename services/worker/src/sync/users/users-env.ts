/** What a users round works with: its stores (narrowed), its run, and the integration's settings. */
import type {
  GroupRepository,
  Repositories,
  SyncRunEntity,
  SyncRunRepository,
  SyncStateRepository,
  UserRepository,
} from '@ones-m365/shared/db';
import type { GraphClient, GraphConnection } from '@ones-m365/shared/graph';
import type { HeldLock } from '@ones-m365/shared/sync';
import type { RunContext } from '../runner/run-context.js';
import type { ScopeLoader } from './user-scope.js';

export const USERS_STREAM = 'users';

/** The database side of a users round. */
export interface UsersStore {
  users: Pick<UserRepository, 'byGraphIds' | 'activeCardHolders' | 'countActive' | 'countUnseen'>;
  groups: Pick<GroupRepository, 'existing'>;
  syncStates: Pick<SyncStateRepository, 'get' | 'save'>;
  syncRuns: Pick<SyncRunRepository, 'get'>;
  transaction: Repositories['transaction'];
}

export type UsersGraph = Pick<
  GraphClient,
  'usersDeltaLatest' | 'listUsersPage' | 'usersDelta' | 'transitiveMemberUserIds' | 'getAvailableExtensionProperties'
>;

export interface UsersPageEnv {
  store: UsersStore;
  integrationId: string;
  run: SyncRunEntity;
  lock: HeldLock;
  cardAttribute: string | null;
  scope: ScopeLoader;
  defaultGroupIds: string[];
  threshold: number;
  graphRequests(): number;
}

export interface RoundEnv extends UsersPageEnv {
  graph: UsersGraph;
  conn: GraphConnection;
  select: string[];
  ctx: RunContext;
}
