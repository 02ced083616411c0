import { expect } from 'chai';
import { PendingJobRepository, RoomEntity, UserEntity } from '@ones-m365/shared/db';
import { QUEUES } from '@ones-m365/shared/queue';
import { pollSchedulerId } from '../../../services/worker/src/subscriptions/poll-schedule.js';
import { pollUntil } from '../../support/poll.js';
import { ALLOWED_STATUS, allPairs, runOp, type RaceContext, type RaceOp } from '../../support/race-ops.js';
import { startWebhookHarness, type WebhookHarness } from '../../support/webhook-harness.js';

/**
 * Every pair of writes on one integration at once, against the api and a worker on MariaDB, Redis
 * and the simulator: no 500, a final state that follows from the answers, no subscription left at
 * Graph that should not be there, and nothing queued for a deleted integration.
 */
const ROUNDS_PER_PAIR = 2;
const PARALLEL_ROUNDS = 8;

/** What a job answers when its integration is gone: a sync or poll skipped, a reconcile that only cleaned up. */
function returnedEarly(name: string, value: unknown): boolean {
  const v = (value ?? {}) as { skipped?: string; state?: string };
  if (name === 'subscriptions.reconcile') return v.state === 'gone' || v.state === 'stopped';
  return typeof v.skipped === 'string';
}

interface Round {
  pair: [RaceOp, RaceOp];
  startEnabled: boolean;
  id: string;
  appId: string;
  answers: { op: RaceOp; status: number; at: number }[];
}

describe('races between writes on one integration', function () {
  this.timeout(120_000);
  let w: WebhookHarness;
  let ctx: RaceContext;
  const rounds: Round[] = [];

  before(async () => {
    w = await startWebhookHarness({ outboxDrainMs: 200, seed: { rooms: 1, hiddenRoomShare: 0 } });
    const probe = await w.createWithOwnApp();
    const rooms = await w.h.call(`/api/v1/integrations/${probe.id}/available-rooms`);
    ctx = { roomEmail: rooms.body.items[0].email };
    await w.h.call(`/api/v1/integrations/${probe.id}`, { method: 'DELETE' });
  });
  after(async () => w?.close());

  const playRound = async (pair: [RaceOp, RaceOp], startEnabled: boolean): Promise<Round> => {
    const { id, appId } = await w.createWithOwnApp();
    // Enabled rounds start with the first sync and the subscription still on their way.
    if (startEnabled) await w.enable(id);
    const answers = await Promise.all(
      pair.map(async (op) => {
        const r = await runOp(w.h, op, id, ctx);
        return { op, status: r.status, at: Date.now() };
      }),
    );
    return { pair, startEnabled, id, appId, answers };
  };

  it(`answers every pair of writes (${allPairs().length} pairs × ${ROUNDS_PER_PAIR}) with success or 404, never 500`, async () => {
    const todo = allPairs().flatMap((pair) =>
      Array.from({ length: ROUNDS_PER_PAIR }, (_, i) => ({ pair, startEnabled: i % 2 === 1 })),
    );
    const workers = Array.from({ length: PARALLEL_ROUNDS }, async () => {
      for (let next = todo.shift(); next; next = todo.shift())
        rounds.push(await playRound(next.pair, next.startEnabled));
    });
    await Promise.all(workers);
    const bad = rounds.flatMap((r) =>
      r.answers
        .filter((a) => !ALLOWED_STATUS[a.op].includes(a.status))
        .map((a) => `${r.pair.join('+')}: ${a.op} → ${a.status}`),
    );
    expect(bad).to.deep.equal([]);
    for (const r of rounds.filter((x) => x.pair[0] === 'delete' && x.pair[1] === 'delete')) {
      expect(r.answers.map((a) => a.status).sort()).to.deep.equal([204, 404]);
    }
  });

  it('settles: the outbox drains and the queues run dry', async () => {
    const pending = new PendingJobRepository(w.h.db.ds);
    const sync = w.producer.queue(QUEUES.sync);
    const subs = w.producer.queue(QUEUES.subscriptions);
    await pollUntil(
      'a settled system',
      async () => {
        const [rows, syncCounts, subCounts, delayed] = await Promise.all([
          pending.oldest(1, new Date(Date.now() + 60_000)),
          sync.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
          subs.getJobCounts('waiting', 'active', 'prioritized'),
          subs.getJobs(['delayed']),
        ]);
        // Delayed subscription jobs made by a schedule (poll, renew-due) are the steady state; retries are not.
        return (
          rows.length +
          Object.values(syncCounts).reduce((a, b) => a + b, 0) +
          Object.values(subCounts).reduce((a, b) => a + b, 0) +
          delayed.filter((j) => !j.repeatJobKey).length
        );
      },
      (n) => n === 0,
      { timeoutMs: 60_000, everyMs: 200 },
    );
  });

  it('deleted integrations: 404, no subscription at Graph, no schedule, nothing active; every job that ran after the DELETE returned early', async () => {
    const jobs = [
      ...(await w.producer.queue(QUEUES.sync).getJobs(['completed', 'failed'])),
      ...(await w.producer.queue(QUEUES.subscriptions).getJobs(['completed', 'failed'])),
    ];
    const problems: string[] = [];
    for (const r of rounds) {
      const deleted = r.answers.find((a) => a.op === 'delete' && a.status === 204);
      if (!deleted) continue;
      const name = `${r.pair.join('+')}${r.startEnabled ? ' (enabled)' : ''}`;
      if ((await w.h.call(`/api/v1/integrations/${r.id}`)).status !== 404) problems.push(`${name}: still readable`);
      if (w.subscriptionsAtGraph(r.appId).length) problems.push(`${name}: subscription left at Graph`);
      if ((await w.subscriptions.listForIntegration(r.id)).length) problems.push(`${name}: subscription rows left`);
      if (await w.producer.queue(QUEUES.subscriptions).getJobScheduler(pollSchedulerId(r.id)))
        problems.push(`${name}: poll schedule left`);
      const active =
        (await w.h.db.ds.getRepository(UserEntity).countBy({ integrationId: r.id, active: true })) +
        (await w.h.db.ds.getRepository(RoomEntity).countBy({ integrationId: r.id, active: true }));
      if (active) problems.push(`${name}: ${active} rooms/users still active`);
      const ranLate = jobs.filter(
        (j) =>
          j.data.integrationId === r.id && (j.processedOn ?? 0) > deleted.at && !returnedEarly(j.name, j.returnvalue),
      );
      if (ranLate.length)
        problems.push(
          `${name}: ${ranLate.map((j) => `${j.name} → ${JSON.stringify(j.returnvalue ?? j.failedReason)}`).join(', ')} after the DELETE`,
        );
    }
    expect(problems).to.deep.equal([]);
  });

  it('live integrations: the state the answers imply, and subscriptions at Graph exactly when enabled with webhooks', async () => {
    const problems: string[] = [];
    for (const r of rounds) {
      if (r.answers.some((a) => a.op === 'delete' && a.status === 204)) continue;
      const name = `${r.pair.join('+')}${r.startEnabled ? ' (enabled)' : ''}`;
      const { body: i } = await w.h.call(`/api/v1/integrations/${r.id}`);
      const did = (op: RaceOp) => r.answers.some((a) => a.op === op);
      if (did('patch') && i.name !== 'Renamed') problems.push(`${name}: name ${i.name}`);
      if (did('sync-mode') && i.syncMode !== 'polling') problems.push(`${name}: syncMode ${i.syncMode}`);
      if (did('room-settings') && i.roomSettings.mode !== 'selected')
        problems.push(`${name}: roomSettings ${JSON.stringify(i.roomSettings)}`);
      const expectedStatus =
        did('enable') && did('disable')
          ? null
          : did('enable')
            ? 'enabled'
            : did('disable')
              ? 'disabled'
              : r.startEnabled
                ? 'enabled'
                : 'draft';
      if (expectedStatus && i.status !== expectedStatus)
        problems.push(`${name}: status ${i.status}, expected ${expectedStatus}`);
      const wantSubscription = i.status === 'enabled' && i.syncMode === 'webhooks';
      // /users and one per synced room (the tenant has one room).
      const syncedRooms = await w.h.db.ds.getRepository(RoomEntity).countBy({ integrationId: r.id, active: true });
      const atGraph = w
        .subscriptionsAtGraph(r.appId)
        .map((s) => String(s.id))
        .sort();
      const rows = (await w.subscriptions.listForIntegration(r.id)).map((s) => s.graphSubscriptionId).sort();
      if (atGraph.length !== (wantSubscription ? 1 + syncedRooms : 0))
        problems.push(
          `${name}: ${atGraph.length} subscriptions at Graph (${i.status}, ${i.syncMode}, ${i.statusReason})`,
        );
      if (JSON.stringify(rows) !== JSON.stringify(atGraph))
        problems.push(`${name}: rows ${JSON.stringify(rows)} ≠ Graph ${JSON.stringify(atGraph)}`);
      const schedule = await w.producer.queue(QUEUES.subscriptions).getJobScheduler(pollSchedulerId(r.id));
      if (Boolean(schedule) !== (i.status === 'enabled'))
        problems.push(`${name}: poll schedule ${schedule ? 'present' : 'absent'} while ${i.status}`);
    }
    expect(problems).to.deep.equal([]);
  });
});
