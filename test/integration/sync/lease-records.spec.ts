/**
 * The records the soak benchmark checks for overlapping runs: every hold of a stream's lease is
 * logged when taken and when let go, by whichever worker holds it, and the holds of two workers
 * that raced for the same streams never overlap.
 */
import { expect } from 'chai';
import { requestSync } from '@ones-m365/shared/sync';
import { holdsOf, overlaps, parseLeaseEvents } from '../../../bench/support/soak-records.js';
import { captureLogs } from '../../support/log-capture.js';
import { startSyncHarness, type SyncHarness } from '../../support/sync-harness.js';

describe('stream lease records (simulator, MySQL, Redis)', function () {
  this.timeout(60_000);
  let h: SyncHarness;
  after(() => h.close());

  it('logs each hold of a lease with its stream, times and outcome; two workers never hold one stream at once', async () => {
    h = await startSyncHarness({ seed: { users: 600, rooms: 2 }, settings: { deltaPageSize: 100 } });
    const logs = [captureLogs('worker'), captureLogs('worker')];
    for (const l of logs) h.startWorkers({ concurrency: 2, logger: l.logger });
    const id = h.integration.id;
    await requestSync(h, { integrationId: id, stream: 'users', mode: 'full', trigger: 'api' });
    await requestSync(h, { integrationId: id, stream: 'rooms', mode: 'full', trigger: 'api' });
    for (let i = 0; i < 6; i++) {
      h.sim.updateUser(h.sim.listUsers({ limit: 1, offset: i, state: 'active' })[0]!.id, { displayName: `R${i}` });
      await requestSync(h, { integrationId: id, stream: 'users', mode: 'delta', trigger: 'webhook' });
      await new Promise((r) => setTimeout(r, 30));
    }
    await h.idle();
    const events = logs.flatMap((l, i) =>
      parseLeaseEvents(
        l
          .lines()
          .map((line) => JSON.stringify(line))
          .join('\n'),
        `worker-${i + 1}`,
      ),
    );
    const { holds, unfinished } = holdsOf(events, {});
    expect(unfinished).to.deep.equal([]);
    const runs = (await h.runs()).filter((r) => r.stream === 'users' || r.stream === 'rooms');
    expect(holds.filter((x) => x.stream === 'users' || x.stream === 'rooms')).to.have.length(runs.length);
    for (const hold of holds) {
      expect(hold).to.include({ integrationId: id, ended: 'succeeded', leaseLost: false });
      expect(hold.to).to.be.at.least(hold.from);
    }
    expect(overlaps(holds)).to.deep.equal([]);
  });
});
