import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { batchText, EVENT_BATCH_LIMITS, EventBatcher, type NewEvent, type PreparedBatch } from '@ones-m365/shared/db';

const at = new Date('2026-12-02T12:00:00.000Z');

/** A row's lines, as `[id, type, data]`, from its payload. */
function lines(row: PreparedBatch): [string, string, unknown][] {
  expect(row.codec).to.equal('brotli');
  return batchText(row)
    .split('\n')
    .map((line) => {
      const [id, type, empty, ...data] = line.split('\t');
      expect(empty).to.equal('');
      return [id!, type!, JSON.parse(data.join('\t')) as unknown];
    });
}

async function rowsOf(...calls: NewEvent[][]): Promise<PreparedBatch[]> {
  const batcher = new EventBatcher(at);
  for (const events of calls) batcher.add(events);
  return await batcher.rows();
}

describe('events: batch rows', () => {
  it('keeps each integration’s events in the order added, across calls, with ids that sort the same way', async () => {
    const ev = (integrationId: string, n: number): NewEvent => ({
      type: n % 2 ? 'user.updated' : 'user.created',
      integrationId,
      data: { n, name: `Zoë 🚀 ${n}`, tab: 'a\tb', line: 'a\nb' },
    });
    const rows = await rowsOf([ev('a', 0), ev('b', 0), ev('a', 1)], [ev('b', 1), ev('a', 2)]);
    expect(rows.map((r) => r.integrationId)).to.deep.equal(['a', 'b']);
    for (const row of rows) {
      const got = lines(row);
      expect(got.map(([, , d]) => (d as { n: number }).n)).to.deep.equal(
        row.integrationId === 'a' ? [0, 1, 2] : [0, 1],
      );
      expect(got[0]![2]).to.deep.include({ name: 'Zoë 🚀 0', tab: 'a\tb', line: 'a\nb' });
      const ids = got.map(([id]) => id);
      expect([...ids].sort()).to.deep.equal(ids);
      expect(row).to.include({ id: ids[0], lastId: ids.at(-1), count: ids.length, occurredAt: at });
      expect(row.types).to.equal(',user.created,user.updated,');
    }
  });

  it(`cuts a batch at ${EVENT_BATCH_LIMITS.events} events and at its text size, and halves one whose payload would not fit`, async () => {
    const small = Array.from({ length: 1_201 }, (_, n): NewEvent => ({
      type: 'user.created',
      integrationId: 'a',
      data: { n },
    }));
    const byCount = await rowsOf(small);
    expect(byCount.map((r) => r.count)).to.deep.equal([500, 500, 201]);

    // Random text barely compresses: ~1.3 KB a line, so the text limit comes first, then the payload limit.
    const noisy = Array.from({ length: 400 }, (_, n): NewEvent => ({
      type: 'room.updated',
      integrationId: 'a',
      data: { n, noise: randomBytes(1_000).toString('base64') },
    }));
    const rows = await rowsOf(noisy);
    expect(rows.length).to.be.greaterThan(400 / 130);
    const seen: number[] = [];
    for (const row of rows) {
      expect(row.payload.length).to.be.at.most(EVENT_BATCH_LIMITS.payloadBytes);
      expect(Buffer.byteLength(batchText(row))).to.be.at.most(EVENT_BATCH_LIMITS.textBytes);
      seen.push(...lines(row).map(([, , d]) => (d as { n: number }).n));
    }
    expect(seen).to.deep.equal(noisy.map((_, n) => n));
  });

  it('gives an event bigger than a batch’s text a row of its own, whole', async () => {
    const huge = 'é'.repeat(EVENT_BATCH_LIMITS.textBytes);
    const rows = await rowsOf([
      { type: 'user.updated', integrationId: 'a', data: { n: 0 } },
      { type: 'user.updated', integrationId: 'a', data: { n: 1, huge } },
      { type: 'user.updated', integrationId: 'a', data: { n: 2 } },
    ]);
    expect(rows.map((r) => r.count)).to.deep.equal([1, 1, 1]);
    expect(lines(rows[1]!)[0]![2]).to.deep.equal({ n: 1, huge });
  });
});
