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

describe('WebhookIngress checks (no Redis)', () => {
  const lines: unknown[] = [];
  const logger = { warn: (...a: unknown[]) => lines.push(a), info: () => undefined } as unknown as Logger;
  const enqueued: string[] = [];
  const producer: Pick<Producer, 'enqueue'> = {
    enqueue: async (name) => {
      enqueued.push(name);
      return { id: '1' };
    },
  };
  const coordination: Pick<Coordination, 'requestFull'> = { requestFull: async () => undefined };
  const sub = (over: Partial<CachedSubscription> = {}): CachedSubscription => ({
    integrationId: 'i1',
    stream: 'users',
    tenantId: TENANT,
    clientStateHash: createHash('sha256').update(SECRET).digest(),
    ...over,
  });
  const table = new Map([
    ['s1', sub()],
    ['s-retired', sub({ integrationId: 'i2', stream: null })],
  ]);
  const cache = { peek: (id: string) => table.get(id), get: async (id: string) => table.get(id) };
  const ingress = () => new WebhookIngress({ cache, producer, coordination, metrics: createMetrics(), logger });
  const n = (over: Record<string, string | null> = {}) => ({
    subscriptionId: 's1',
    clientState: SECRET,
    tenantId: TENANT,
    lifecycleEvent: null,
    ...over,
  });

  beforeEach(() => {
    lines.length = 0;
    enqueued.length = 0;
  });

  it('ignores forged clientState, unknown ids and wrong tenants without work, logging once per reason without the values', async () => {
    const forged = 'FORGED-clientstate-0123456789';
    await ingress().handle([
      n({ clientState: forged }),
      n({ clientState: forged }),
      n({ clientState: null }),
      n({ subscriptionId: 'nope' }),
      n({ tenantId: 'bbbbbbbb-0000-0000-0000-000000000002' }),
      n({ lifecycleEvent: 'somethingNew' }),
    ]);
    expect(enqueued).to.deep.equal([]);
    const text = JSON.stringify(lines);
    expect(text).to.not.include(forged);
    expect(text).to.not.include(SECRET);
    expect(text).to.not.include('bbbbbbbb');
    const reasons = lines.map((l) => (l as [string, { reason: string; count: number }])[1]);
    expect(reasons.map((r) => [r.reason, r.count])).to.deep.equal([
      ['bad_client_state', 3],
      ['unknown_subscription', 1],
      ['wrong_tenant', 1],
      ['unknown_lifecycle_event', 1],
    ]);
  });

  it('a notification of a stream this version does not sync is logged and ignored; the rest of its batch is queued', async () => {
    await ingress().handle([n({ subscriptionId: 's-retired' }), n({ subscriptionId: 's-retired' }), n()]);
    expect(enqueued).to.deep.equal(['users.sync']);
    const logged = lines.map((l) => (l as [string, { reason: string; count: number; integrationIds: string[] }])[1]);
    expect(logged.map((r) => [r.reason, r.count, r.integrationIds])).to.deep.equal([['unknown_stream', 2, ['i2']]]);
  });

  it('queues a lifecycle event once per batch, deduplicated by subscription and event', async () => {
    await ingress().handle([n({ lifecycleEvent: 'missed' }), n({ lifecycleEvent: 'missed' })]);
    expect(enqueued).to.deep.equal(['subscriptions.lifecycle']);
  });

  it('compares a later notification of the same subscription without re-hashing, and still rejects a wrong value of the same length', async () => {
    const i = ingress();
    await i.handle([n({ lifecycleEvent: 'missed' })]);
    expect(table.get('s1')!.acceptedClientState).to.equal(SECRET);
    lines.length = 0;
    await i.handle([n({ clientState: 'x'.repeat(SECRET.length), lifecycleEvent: 'missed' })]);
    expect(lines).to.have.length(1);
  });
  it('a batch failing on a later notification (database down) leaves no request of an earlier one unhandled (no process crash)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const down: Pick<Producer, 'enqueue'> = {
        enqueue: async () => {
          await new Promise((r) => setTimeout(r, 5));
          throw new Error('redis down');
        },
      };
      const flaky = {
        peek: (id: string) => (id === 's1' ? table.get(id) : (false as const)),
        get: async () => {
          throw new Error('database down');
        },
      };
      const i = new WebhookIngress({ cache: flaky, producer: down, coordination, metrics: createMetrics(), logger });
      let err: unknown;
      await i.handle([n(), n({ lifecycleEvent: 'missed' }), n({ subscriptionId: 's2' })]).catch((e) => (err = e));
      expect((err as Error).message).to.equal('database down');
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
