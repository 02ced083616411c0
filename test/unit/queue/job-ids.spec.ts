import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { isServiceJobId } from '@ones-m365/shared/queue';

describe('queue/job ids', () => {
  it('takes the UUIDs of sync requests and BullMQ counter ids', () => {
    for (const id of [randomUUID(), randomUUID().toUpperCase(), '1', '42', '9007199254740991'])
      expect(isServiceJobId(id), id).to.equal(true);
  });

  it("refuses BullMQ's own key names and anything else", () => {
    for (const id of [
      'id',
      'meta',
      'events',
      'completed',
      'delayed',
      'repeat',
      'stalled-check',
      'repeat:prune-sync-runs',
      'repeat:prune-sync-runs:1796177619737',
      '0',
      '01',
      '-1',
      '1e3',
      '',
      `${randomUUID()}x`,
    ]) {
      expect(isServiceJobId(id), id).to.equal(false);
    }
  });
});
