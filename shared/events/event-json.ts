/** An event as the API and the webhook show it: `{id, type, integrationId, occurredAt, data}`. */
import type { EventEntity } from '../db/entities/index.js';

/** The event's JSON text, with its stored `data` text embedded as it is (no parse, no re-serialising). */
export function eventJson(e: Pick<EventEntity, 'id' | 'type' | 'integrationId' | 'occurredAt' | 'data'>): string {
  const head = JSON.stringify({ id: e.id, type: e.type, integrationId: e.integrationId, occurredAt: e.occurredAt });
  return `${head.slice(0, -1)},"data":${e.data}}`;
}

/** A delivery's body: `{"events": [...]}`. */
export function deliveryBody(events: readonly Parameters<typeof eventJson>[0][]): string {
  return `{"events":[${events.map(eventJson).join(',')}]}`;
}
