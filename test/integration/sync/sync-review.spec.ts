/**
 * Review findings on users.sync, each against the simulator, MySQL and Redis (or the pure
 * functions, where the behaviour is local): the mark-and-sweep marker of a full load that is
 * restarted in the same run, attributes longer than their columns, ordering inside a delta page.
 */
import { expect } from 'chai';
import {
  createRepositories,
  IntegrationRepository,
  SyncRunRepository,
  SyncStateRepository,
  UserRepository,
} from '@ones-m365/shared/db';
import type { GraphClient } from '@ones-m365/shared/graph';
import { silentLogger } from '@ones-m365/shared/logging';
import { usersSyncJob } from '../../../services/worker/src/jobs/users-sync.job.js';
import type { JobContext } from '../../../services/worker/src/jobs/job-handler.js';
import { activeIds, startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

describe('users sync review findings (simulator, MySQL, Redis)', function () {
  this.timeout(60_000);
  let h: SyncHarness;

  beforeEach(async () => {
    h = await startSyncHarness({ seed: { users: 60, rooms: 2 }, settings: { deltaPageSize: 25 } });
  });
  afterEach(() => h.close());

  /** Runs one users.sync job in-process with `graph` (default: the harness's client). */
  const runJob = async (graph: GraphClient = h.graph, mode: 'full' | 'delta' = 'delta') => {
    const deps = {
      ...createRepositories(h.db.ds),
      coordination: h.coordination,
      graph,
      secretBox: h.box,
      lockLeaseMs: 5_000,
    };
    const ctx: JobContext = {
      jobId: crypto.randomUUID(),
      attemptsMade: 0,
      maxAttempts: 1,
      logger: silentLogger(),
      progress: async () => undefined,
      delay: async () => {
        throw new Error('unexpected delay');
      },
    };
    return await usersSyncJob(deps).handle({ integrationId: h.integration.id, mode, trigger: 'api' }, ctx);
  };
  const expectEqualToTenant = async () => {
    const users = await h.dbUsers();
    expect(new Set(users.map((u) => u.graphId)).size, 'no duplicates').to.equal(users.length);
    expect([...activeIds(users)].sort()).to.deep.equal([...h.tenantActiveIds()].sort());
  };

  it('a full load restarted in the same run after a 410 still sweeps a user deleted in between', async () => {
    await runJob(h.graph, 'full');
    await expectEqualToTenant();
    const [gone] = h.sim.listUsers({ limit: 1, offset: 5, state: 'active' });
    // A full load whose catch-up (after the /users listing stamped every user) meets an
    // expired token; the user is deleted just before, so the new bracket will not report it.
    let struck = false;
    const graph = new Proxy(h.graph, {
      get(target, prop, recv) {
        if (prop === 'usersDelta') {
          return async (...args: Parameters<GraphClient['usersDelta']>) => {
            if (!struck && args[1].link) {
              struck = true;
              h.sim.hardDeleteUser(gone!.id);
              h.sim.expireDeltaTokens();
              await new Promise((r) => setTimeout(r, 5)); // the new bracket is issued after the expiry
            }
            return await target.usersDelta(...args);
          };
        }
        return Reflect.get(target, prop, recv);
      },
    });
    const result = await runJob(graph, 'full');
    expect(struck).to.equal(true);
    expect(result).to.include({ status: 'succeeded' });
    const [run] = await new SyncRunRepository(h.db.ds).listLatest(h.integration.id, 1);
    expect(run!.warnings!.join(' ')).to.match(/expired/);
    const [row] = await new UserRepository(h.db.ds).byGraphIds(h.integration.id, [gone!.id]);
    expect(row).to.include({ active: false, inactiveReason: 'deleted' });
    h.sim.clearFaults();
    await expectEqualToTenant();
  });

  it('a display name of 256 characters (Graph allows 256) does not fail the page', async () => {
    const long = `${'Ä'.repeat(250)}😀x${'y'.repeat(4)}`; // 256 code points, one of them outside the BMP
    const u = h.sim.createUser({ displayName: long, mailNickname: 'long.name' });
    const result = await runJob(h.graph, 'full');
    expect(result).to.include({ status: 'succeeded' });
    const [row] = await new UserRepository(h.db.ds).byGraphIds(h.integration.id, [u.id]);
    expect(row?.active).to.equal(true);
    expect([...row!.displayName!]).to.have.length(255);
    expect(row!.displayName).to.equal([...long].slice(0, 255).join(''));
    const state = await new SyncStateRepository(h.db.ds).get(h.integration.id, 'users');
    expect(state?.deltaLink).to.be.a('string');
  });

  it('a card refused because its holder had it gets assigned when a later page of the round frees it', async () => {
    await h.close();
    h = await startSyncHarness({ seed: { users: 40, rooms: 1 }, settings: { deltaPageSize: 1 } });
    const ext = h.sim.tenantInfo().pagerExtension;
    await new IntegrationRepository(h.db.ds).update(h.integration.id, {
      userSettings: { defaultGroupIds: [], cardNumber: { enabled: true, attribute: ext }, loginButtonName: 'Sign in' },
    });
    const [a, b, c, d] = h.sim.listUsers({ limit: 4, offset: 3, state: 'active' });
    for (const u of [a, b, c, d]) h.sim.enableUser(u!.id);
    h.sim.updateUser(a!.id, { [ext]: 'C-7' });
    h.sim.updateUser(c!.id, { [ext]: 'C-8' });
    await runJob(h.graph, 'full');
    // one delta round, one user a page: b claims a's card, then a moves to another card;
    // d claims c's card, then c is disabled
    h.sim.updateUser(b!.id, { [ext]: 'C-7' });
    h.sim.updateUser(d!.id, { [ext]: 'C-8' });
    h.sim.updateUser(a!.id, { [ext]: 'C-9' });
    h.sim.disableUser(c!.id);
    const result = await runJob(h.graph, 'delta');
    expect(result).to.include({ status: 'succeeded' });
    const byId = new Map((await h.dbUsers()).map((u) => [u.graphId, u]));
    expect(byId.get(a!.id)!.cardNumber).to.equal('C-9');
    expect(byId.get(b!.id)!.cardNumber).to.equal('C-7');
    expect(byId.get(d!.id)!.cardNumber).to.equal('C-8');
    expect(byId.get(c!.id)!.active).to.equal(false);
  });
});
