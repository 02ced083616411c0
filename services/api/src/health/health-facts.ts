/**
 * Gathers the facts of an integration's health from what the service records: the database
 * (integration, sync runs, subscriptions) and Redis (token results, throttling, the delta
 * schedule). No Graph call: cheap enough to poll.
 */
import type { SecretBox } from '@ones-m365/shared/crypto';
import {
  cursorOf,
  type EventDeliveryRepository,
  type EventRepository,
  type GraphSubscriptionRepository,
  type IntegrationEntity,
  type SyncRunSummaryRepository,
} from '@ones-m365/shared/db';
import { connectionFingerprint } from '@ones-m365/shared/graph';
import { toGraphConnection } from '@ones-m365/shared/integrations';
import type { OperationsReader } from '@ones-m365/shared/operations';
import { QUEUES, type Producer } from '@ones-m365/shared/queue';
import { pollSchedulerId } from '@ones-m365/shared/subscriptions';
import { STREAM_KINDS } from '@ones-m365/shared/sync';
import type { HealthFacts } from './health-types.js';

export interface HealthFactsDeps {
  runs: Pick<SyncRunSummaryRepository, 'streams' | 'waitingConfirmation'>;
  subscriptions: Pick<GraphSubscriptionRepository, 'listForIntegration'>;
  operations: Pick<OperationsReader, 'lastToken' | 'throttledLastHour'>;
  producer: Producer;
  secretBox: SecretBox;
  events: Pick<EventRepository, 'countAfter'>;
  deliveries: Pick<EventDeliveryRepository, 'get'>;
  /** EVENTS_WEBHOOK_URL is set. */
  eventsWebhook: boolean;
}

export async function gatherHealthFacts(
  deps: HealthFactsDeps,
  integration: IntegrationEntity,
  now: Date,
): Promise<HealthFacts> {
  const [token, streams, subscriptions, throttledLastHour, waiting, scheduler, delivery] = await Promise.all([
    deps.operations.lastToken(integration.id),
    deps.runs.streams(integration.id),
    deps.subscriptions.listForIntegration(integration.id),
    deps.operations.throttledLastHour(integration.id, now),
    deps.runs.waitingConfirmation(integration.id),
    deps.producer.queue(QUEUES.subscriptions).getJobScheduler(pollSchedulerId(integration.id)),
    deps.eventsWebhook ? deps.deliveries.get(integration.id) : null,
  ]);
  const pending = delivery ? await deps.events.countAfter(integration.id, cursorOf(delivery)) : 0;
  // A token result of older credentials says nothing about the current ones.
  const fingerprint = connectionFingerprint(toGraphConnection(integration, deps.secretBox));
  return {
    now,
    integration,
    token: token && token.fingerprint === fingerprint ? token : null,
    expectedStreamKinds: STREAM_KINDS.map((k) => k.kind),
    streams,
    scheduleEverySeconds: scheduler?.every ? Number(scheduler.every) / 1000 : null,
    subscriptions: subscriptions.map((s) => ({ stream: s.stream, status: s.status, expiresAt: s.expiresAt })),
    throttledLastHour,
    waitingConfirmation: waiting.map((r) => ({ id: r.id, stream: r.stream, startedAt: r.startedAt })),
    events: { webhook: deps.eventsWebhook, delivery, pending },
  };
}
