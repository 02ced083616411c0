import { expect } from 'chai';
import {
  holdsOf,
  overlaps,
  parseLeaseEvents,
  percentile,
  rssTrend,
  unnoticedOverruns,
  type LeaseEvent,
} from '../../../bench/support/soak-records.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ level: 'debug', service: 'worker', ...o });
const acquired = (jobId: string, at: number, stream = 'users') =>
  line({ message: 'stream lease acquired', integrationId: 'i1', jobId, stream, at });
const released = (jobId: string, at: number, extra: Record<string, unknown> = {}, stream = 'users') =>
  line({
    message: 'stream lease released',
    integrationId: 'i1',
    jobId,
    stream,
    at,
    leaseLost: false,
    ended: 'succeeded',
    ...extra,
  });

describe('soak benchmark: its checks of the recorded lease holds', () => {
  it('reads the lease lines of a JSON log and nothing else', () => {
    const out = [
      'worker started',
      line({ message: 'job attempt failed' }),
      acquired('j1', 10),
      released('j1', 20),
      '{bad',
    ];
    expect(parseLeaseEvents(out.join('\n'), 'w1')).to.deep.equal([
      { process: 'w1', kind: 'acquired', integrationId: 'i1', stream: 'users', jobId: 'j1', at: 10 },
      {
        process: 'w1',
        kind: 'released',
        integrationId: 'i1',
        stream: 'users',
        jobId: 'j1',
        at: 20,
        leaseLost: false,
        ended: 'succeeded',
      },
    ]);
  });

  it('finds no overlap in holds one after another, across processes and streams', () => {
    const events: LeaseEvent[] = [
      ...parseLeaseEvents(
        [acquired('j1', 10), released('j1', 20), acquired('j3', 15, 'rooms'), released('j3', 40, {}, 'rooms')].join(
          '\n',
        ),
        'w1',
      ),
      ...parseLeaseEvents([acquired('j2', 21), released('j2', 30)].join('\n'), 'w2'),
    ];
    const { holds, unfinished } = holdsOf(events, {});
    expect(holds).to.have.length(3);
    expect(unfinished).to.deep.equal([]);
    expect(overlaps(holds)).to.deep.equal([]);
  });

  it('finds two holds of one stream at once, and tells whether the first noticed its lease was gone', () => {
    const w1 = parseLeaseEvents(
      [acquired('j1', 10), released('j1', 50, { leaseLost: true, ended: 'lock_lost' })].join('\n'),
      'w1',
    );
    const w2 = parseLeaseEvents([acquired('j2', 40), released('j2', 60)].join('\n'), 'w2');
    const w3 = parseLeaseEvents([acquired('j3', 55), released('j3', 70)].join('\n'), 'w3');
    const found = overlaps(holdsOf([...w1, ...w2, ...w3], {}).holds);
    expect(found.map((o) => [o.first.jobId, o.second.jobId, o.noticed])).to.deep.equal([
      ['j1', 'j2', true],
      ['j2', 'j3', false],
    ]);
  });

  it("ends a killed process's open hold at the kill, and reports an open hold of a live process", () => {
    const w1 = parseLeaseEvents(acquired('j1', 10), 'w1');
    const w2 = parseLeaseEvents([acquired('j2', 25), released('j2', 30)].join('\n'), 'w2');
    const w3 = parseLeaseEvents(acquired('j3', 31), 'w3');
    const { holds, unfinished } = holdsOf([...w1, ...w2, ...w3], { w1: 20 });
    expect(holds.find((h) => h.jobId === 'j1')).to.include({ to: 20, ended: 'killed' });
    expect(overlaps(holds)).to.deep.equal([]);
    expect(unfinished.map((e) => e.jobId)).to.deep.equal(['j3']);
    expect(overlaps(holdsOf([...w1, ...w2], { w1: 26 }).holds)).to.have.length(1);
  });

  it('counts a run that finished with its lease run out as unnoticed, not one that stopped', () => {
    const events = parseLeaseEvents(
      [
        acquired('j1', 1),
        released('j1', 2, { leaseLost: true, ended: 'succeeded' }),
        acquired('j2', 3),
        released('j2', 4, { leaseLost: true, ended: 'lock_lost' }),
        acquired('j3', 5),
        released('j3', 6),
      ].join('\n'),
      'w1',
    );
    expect(unnoticedOverruns(holdsOf(events, {}).holds).map((h) => h.jobId)).to.deep.equal(['j1']);
  });

  it('compares the last third of the RSS samples with the first third', () => {
    const flat = [100, 104, 98, 101, 99, 102].map((mb, i) => ({ at: i, mb }));
    expect(rssTrend(flat).ratio).to.be.closeTo(1, 0.05);
    const growing = [100, 110, 120, 130, 140, 150].map((mb, i) => ({ at: i, mb }));
    expect(rssTrend(growing)).to.deep.include({ firstMb: 100, lastMb: 140, peakMb: 150 });
    expect(percentile([5, 1, 4, 2, 3], 0.95)).to.equal(5);
    expect(percentile([5, 1, 4, 2, 3], 0.5)).to.equal(3);
  });
});
