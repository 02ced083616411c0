/** Every BullMQ queue, by role. Workers consume all of them; Bull Board shows all of them. */
export const QUEUES = {
  sync: 'sync',
  maintenance: 'maintenance',
  /** Change-notification subscriptions and the scheduled (polling / safety-net) delta runs. */
  subscriptions: 'subscriptions',
  /** Room calendars: a queue of their own, so a big first load never takes the slots of user and room syncs. */
  calendars: 'calendars',
  /** Event deliveries to EVENTS_WEBHOOK_URL: a queue of their own, so they never wait behind syncs. */
  events: 'events',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: QueueName[] = Object.values(QUEUES);
