import {
  cursorOf,
  type EventDeliveryEntity,
  type EventDeliveryRepository,
  type EventRepository,
  type StoredEvent,
} from '@ones-m365/shared/db';
import { backoffDelay, deliveryBody, DELIVERY_BACKOFF, type BackoffPolicy } from '@ones-m365/shared/events';
import type { WebhookPost } from '../events/webhook-post.js';
import type { JobContext, JobHandler } from './job-handler.js';

export interface EventsDeliverDeps {
  events: Pick<EventRepository, 'published' | 'lastOccurredBy' | 'countAfter'>;
  deliveries: Pick<EventDeliveryRepository, 'get' | 'acknowledged' | 'failed' | 'gaveUp'>;
  /** The signed POST to EVENTS_WEBHOOK_URL; null when none is configured. */
  post: WebhookPost | null;
  backoff?: BackoffPolicy;
  now?: () => Date;
  random?: () => number;
}

/** A batch: at most this many events, and about this many bytes (at least one event). */
export const BATCH_EVENTS = 500;
export const BATCH_BYTES = 1_000_000;
/** Batches one run sends before it makes way for other jobs (it continues at once, delayed by nothing). */
const BATCHES_PER_RUN = 40;

/**
 * Delivers one integration's events: its published events after its cursor, oldest first, in
 * bounded batches. A 2xx moves the cursor (a compare-and-set: an overlapping run cannot move it
 * twice); a failure ends the run with the integration's next attempt set by exponential backoff
 * with jitter, the job delayed until then (no worker slot held, other integrations go on), and,
 * once the integration has failed for 24 hours, the events that waited that long given up on:
 * counted, recorded with the replay cursor, and skipped.
 */
export function eventsDeliverJob(deps: EventsDeliverDeps): JobHandler<'events.deliver'> {
  const now = deps.now ?? (() => new Date());
  const policy = deps.backoff ?? DELIVERY_BACKOFF;
  return {
    name: 'events.deliver',
    async handle({ integrationId }, ctx) {
      if (!deps.post) return { skipped: 'EVENTS_WEBHOOK_URL is not set' };
      let state = await deps.deliveries.get(integrationId);
      if (!state) return { delivered: 0 };
      if (state.nextAttemptAt && state.nextAttemptAt > now()) return ctx.delay(state.nextAttemptAt.getTime());
      let delivered = 0;
      for (let i = 0; i < BATCHES_PER_RUN; i++) {
        const from = cursorOf(state);
        const batch = bounded(await deps.events.published({ after: from, integrationId, limit: BATCH_EVENTS }));
        if (batch.length === 0) return { delivered };
        const result = await deps.post(deliveryBody(batch.map((e) => e.json)));
        if (!result.ok) return await failed(state, result.error, ctx);
        const last = batch[batch.length - 1]!;
        const to = { ...last.position, eventId: last.id };
        if (!(await deps.deliveries.acknowledged(integrationId, from, to, batch.length, now())))
          return { delivered, stopped: 'another delivery moved the cursor' };
        delivered += batch.length;
        state = {
          ...state,
          cursorSeq: to.seq,
          cursorId: to.batch,
          cursorIndex: to.index,
          cursorEventId: to.eventId,
          attempts: 0,
          failingSince: null,
        };
      }
      return ctx.delay(Date.now());
    },
  };

  async function failed(state: EventDeliveryEntity, error: string, ctx: JobContext): Promise<never> {
    const at = now();
    const attempts = state.attempts + 1;
    const failingSince = state.failingSince ?? at;
    const nextAttemptAt = new Date(at.getTime() + backoffDelay(attempts, policy, deps.random));
    ctx.logger.warn('events delivery failed; retrying', {
      error,
      attempts,
      nextAttemptAt: nextAttemptAt.toISOString(),
    });
    if (at.getTime() - failingSince.getTime() >= policy.giveUpAfterMs) await giveUp(state, at, ctx);
    await deps.deliveries.failed(state.integrationId, { attempts, failingSince, nextAttemptAt, lastError: error });
    return await ctx.delay(nextAttemptAt.getTime());
  }

  /** Skips the events that waited past the give-up age (and any published between them). */
  async function giveUp(state: EventDeliveryEntity, at: Date, ctx: JobContext): Promise<void> {
    const from = cursorOf(state);
    const cutoff = new Date(at.getTime() - policy.giveUpAfterMs);
    const through = await deps.events.lastOccurredBy(state.integrationId, from, cutoff);
    if (!through) return;
    const count = await deps.events.countAfter(state.integrationId, from, through);
    const afterId = state.cursorEventId || null;
    if (!(await deps.deliveries.gaveUp(state.integrationId, from, through, { count, at, afterId }))) return;
    Object.assign(state, {
      cursorSeq: through.seq,
      cursorId: through.batch,
      cursorIndex: through.index,
      cursorEventId: through.eventId,
    });
    ctx.logger.error('events given up after failing to deliver them for 24 hours', { count, replayAfter: afterId });
  }
}

/** The oldest events that fit the byte bound (at least one). */
function bounded(events: StoredEvent[]): StoredEvent[] {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    bytes += events[i]!.json.length + 1;
    if (bytes > BATCH_BYTES && i > 0) return events.slice(0, i);
  }
  return events;
}
