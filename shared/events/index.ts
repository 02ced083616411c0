/**
 * Events to ONES (contract.md, "Events (to ONES)"): the event types, the resource views an event
 * carries, the webhook signature and the retry schedule. The outbox itself is in shared/db
 * (EventRepository, publishEvents, EventDeliveryRepository). A change's writer adds its events in
 * its own transaction: `tx.events.add([{ type, integrationId, data: bookingView(row, roomEmail) }])`.
 */
export { EVENT_TYPES, type EventType } from '../db/entities/index.js';
export type { NewEvent } from '../db/repositories/event-batches.js';
export type { EventPosition, StoredEvent } from '../db/repositories/event.repository.js';
export * from './backoff.js';
export * from './event-json.js';
export * from './signature.js';
export * from './views.js';
