import { expect } from 'chai';
import { createHash } from 'node:crypto';
import type { Logger } from '@ones-m365/shared/logging';
import type { Producer } from '@ones-m365/shared/queue';
import type { Coordination } from '@ones-m365/shared/sync';
import { createMetrics } from '../../../services/api/src/metrics.js';
import type { CachedSubscription } from '../../../services/api/src/webhooks/subscription-cache.js';
import { WebhookIngress } from '../../../services/api/src/webhooks/webhook-ingress.js';

const TENANT = 'aaaaaaaa-0000-0000-0000-000000000001';
const SECRET = 'the-real-client-state-value';

describe('WebhookIngress: batches answered from the memo (no Redis)', () => {
  const logger = { warn: () => undefined, info: () => undefined } as unknown as Logger;
  const coordination: Pick<Coordination, 'requestFull'> = { requestFull: async () => undefined };
  const sub = (integrationId: string): CachedSubscription => ({
    integrationId,
    stream: 'users',
    tenantId: TENANT,
    clientStateHash: createHash('sha256').update(SECRET).digest(),
  });
  const n = (subscriptionId: string, over: Record<string, string | null> = {}) => ({
    subscriptionId,
    clientState: SECRET,
    tenantId: TENANT,
    lifecycleEvent: null,
    ...over,
  });

  /** `unloaded`: ids the table has not loaded yet (peek misses, get loads them). */
  const make = (table: Map<string, CachedSubscription>, unloaded: string[] = []) => {
    const enqueued: string[] = [];
    const producer: Pick<Producer, 'enqueue'> = {
      enqueue: async (name) => {
        enqueued.push(name);
        return { id: String(enqueued.length) };
      },
    };
    const cache = {
      peek: (id: string) => (unloaded.includes(id) ? (false as const) : table.get(id)),
      get: async (id: string) => table.get(id),
    };
    const metrics = createMetrics();
    return { ingress: new WebhookIngress({ cache, producer, coordination, metrics, logger }), enqueued, metrics };
  };
  const accepted = async (metrics: ReturnType<typeof createMetrics>) =>
    (await metrics.webhookNotifications.get()).values.find((v) => v.labels.outcome === 'accepted')?.value ?? 0;

  it('the first batch of a stream waits for Redis; the next ones are answered at once (null), and counted', async () => {
    const { ingress, enqueued, metrics } = make(new Map([['s1', sub('i1')]]));
    const first = ingress.handle([n('s1'), n('s1')]);
    expect(first).to.be.instanceOf(Promise);
    await first;
    expect(enqueued).to.have.length(1);
    expect(ingress.handle([n('s1'), n('s1'), n('s1')])).to.equal(null);
    expect(enqueued).to.have.length(1);
    expect(await accepted(metrics)).to.equal(5);
  });

  it('a batch that also names a stream not requested yet waits for that request', async () => {
    const { ingress, enqueued } = make(
      new Map([
        ['s1', sub('i1')],
        ['s2', sub('i2')],
      ]),
    );
    await ingress.handle([n('s1')]);
    const mixed = ingress.handle([n('s1'), n('s2')]);
    expect(mixed).to.be.instanceOf(Promise);
    await mixed;
    expect(enqueued).to.have.length(2);
  });

  it('a lifecycle event always waits for Redis', async () => {
    const { ingress, enqueued } = make(new Map([['s1', sub('i1')]]));
    await ingress.handle([n('s1')]);
    const work = ingress.handle([n('s1'), n('s1', { lifecycleEvent: 'missed' })]);
    expect(work).to.be.instanceOf(Promise);
    await work;
    expect(enqueued).to.deep.equal([enqueued[0], 'subscriptions.lifecycle']);
  });

  it('a subscription the table has not loaded is loaded first, then the batch goes on as usual', async () => {
    const { ingress, enqueued, metrics } = make(
      new Map([
        ['s1', sub('i1')],
        ['s3', sub('i3')],
      ]),
      ['s3'],
    );
    await ingress.handle([n('s1')]);
    const work = ingress.handle([n('s1'), n('s3'), n('s1')]);
    expect(work).to.be.instanceOf(Promise);
    await work;
    expect(enqueued).to.have.length(2);
    expect(await accepted(metrics)).to.equal(4);
  });

  it('a forged notification in an otherwise memo-answered batch is still refused (not counted as accepted)', async () => {
    const { ingress, metrics } = make(new Map([['s1', sub('i1')]]));
    await ingress.handle([n('s1')]);
    expect(ingress.handle([n('s1', { clientState: 'FORGED-clientstate-0123456' }), n('s1')])).to.equal(null);
    expect(await accepted(metrics)).to.equal(2);
    const forged = (await metrics.webhookNotifications.get()).values.find(
      (v) => v.labels.outcome === 'bad_client_state',
    );
    expect(forged?.value).to.equal(1);
  });
});
