import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { RedisClient } from '@ones-m365/shared/queue';
import type { SubscriptionCheckRow } from '@ones-m365/shared/db';
import { silentLogger } from '@ones-m365/shared/logging';
import { SubscriptionCache } from '../../../services/api/src/webhooks/subscription-cache.js';

const row = (id: string, tenantId = '11111111-2222-3333-4444-555555555555'): SubscriptionCheckRow => ({
  graphSubscriptionId: id,
  integrationId: 'i1',
  stream: 'users',
  clientStateHash: 'ab'.repeat(32),
  tenantId,
});

describe('SubscriptionCache (webhook subscription table)', () => {
  let now = 0;
  let rows: SubscriptionCheckRow[];
  let loads = 0;
  const make = () =>
    new SubscriptionCache({
      load: async () => {
        loads++;
        return rows;
      },
      logger: silentLogger(),
      ttlMs: 60_000,
      missReloadMs: 1_000,
      now: () => now,
    });
  beforeEach(() => {
    now = 0;
    loads = 0;
    rows = [row('s1')];
  });

  it('loads once; hits cost no query', async () => {
    const c = make();
    expect((await c.get('s1'))?.integrationId).to.equal('i1');
    for (let i = 0; i < 50; i++) await c.get('s1');
    expect(loads).to.equal(1);
  });

  it('unknown ids reload at most once per missReloadMs', async () => {
    const c = make();
    await c.get('s1');
    for (let i = 0; i < 50; i++) expect(await c.get(`forged-${i}`)).to.equal(undefined);
    expect(loads).to.equal(1);
    now = 1_500;
    rows = [row('s1'), row('s2')];
    expect(await c.get('s2')).to.not.equal(undefined);
    expect(loads).to.equal(2);
  });

  it('an announced change (pub/sub) reloads, and a miss right after it reloads again', async () => {
    const c = make();
    const bus = new EventEmitter() as EventEmitter & { subscribe: (ch: string) => Promise<void> };
    bus.subscribe = async () => undefined;
    await c.listen(bus as unknown as RedisClient, 'chan');
    await c.get('s1');
    rows = [row('s3')];
    bus.emit('message', 'chan', 'i1');
    await new Promise((r) => setImmediate(r));
    expect(await c.get('s3')).to.not.equal(undefined);
    expect(await c.get('s1')).to.equal(undefined);
  });

  it('stale after the TTL: served from the old table while reloading in the background', async () => {
    const c = make();
    await c.get('s1');
    now = 61_000;
    rows = [];
    expect(await c.get('s1')).to.not.equal(undefined);
    await new Promise((r) => setImmediate(r));
    expect(loads).to.equal(2);
  });

  it('a tenant entered as a domain is not compared (null); GUIDs are lower-cased', async () => {
    rows = [row('s1', 'contoso.onmicrosoft.com'), row('s2', 'AAAAAAAA-2222-3333-4444-555555555555')];
    const c = make();
    expect((await c.get('s1'))!.tenantId).to.equal(null);
    expect((await c.get('s2'))!.tenantId).to.equal('aaaaaaaa-2222-3333-4444-555555555555');
  });
  it('with a load slower than missReloadMs, a run of unknown ids still costs one reload, not one each', async () => {
    const c = new SubscriptionCache({
      load: async () => {
        loads++;
        now += 1_500;
        return rows;
      },
      logger: silentLogger(),
      ttlMs: 60_000,
      missReloadMs: 1_000,
      now: () => now,
    });
    expect(await c.get('forged-first')).to.equal(undefined);
    expect(loads).to.equal(1);
    for (let i = 0; i < 20; i++) expect(await c.get(`forged-${i}`)).to.equal(undefined);
    expect(loads).to.equal(1);
    now += 1_000;
    expect(await c.get('forged-later')).to.equal(undefined);
    expect(loads).to.equal(2);
  });
});
