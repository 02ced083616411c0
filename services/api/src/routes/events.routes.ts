import { z } from 'zod';
import { EVENT_TYPES, type EventPosition, type EventRepository } from '@ones-m365/shared/db';
import { ValidationError } from '@ones-m365/shared/errors';
import { EVENT_RETENTION_DAYS } from '@ones-m365/shared/events';
import { decimalInteger } from '../http/query-params.js';
import { defineRoute, type AnyRoute } from '../http/route.js';

export interface EventRoutesDeps {
  events: Pick<EventRepository, 'published' | 'position'>;
  now?: () => Date;
}

const eventsQuery = z.object({
  after: z.string().min(1).max(64).optional(),
  limit: decimalInteger({ min: 1, max: 1000 }).default(100),
  integrationId: z.string().min(1).max(64).optional(),
  type: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }).optional(),
});

/** Replay (contract: Events): every published event of the last 7 days, oldest first, by integration and type if asked. */
export function eventRoutes(deps: EventRoutesDeps): AnyRoute[] {
  const now = deps.now ?? (() => new Date());
  return [
    defineRoute({
      method: 'get',
      path: '/events',
      summary: 'Events of the last 7 days, oldest first (replay): `after` is the id of the last event the caller has',
      description:
        'Items are `{id, type, integrationId, occurredAt, data}`, in the order the webhook delivers them. ' +
        "`after` takes any event id (every event id is a cursor); `nextCursor` is the last item's id while more " +
        'follow, else null (poll again later with the last id you got). A receiver that missed deliveries replays ' +
        'per integration: `?integrationId=…&after=<last id it got for that integration>`.',
      tag: 'events',
      query: eventsQuery,
      responses: {
        200: '{items: [event], nextCursor}',
        400: 'A bad parameter, or `after` names no event of the last 7 days',
      },
      async handler({ query }, res) {
        let after: EventPosition | undefined;
        if (query.after) {
          after = (await deps.events.position(query.after)) ?? undefined;
          if (!after)
            throw new ValidationError('Invalid request: query.after', [
              {
                field: 'query.after',
                message: `names no event of the last ${EVENT_RETENTION_DAYS} days (leave it out to read from the oldest)`,
              },
            ]);
        }
        const since = new Date(now().getTime() - EVENT_RETENTION_DAYS * 86_400_000);
        const rows = await deps.events.published({
          ...(after ? { after } : {}),
          ...(query.integrationId ? { integrationId: query.integrationId } : {}),
          ...(query.type ? { type: query.type } : {}),
          since,
          limit: query.limit + 1,
        });
        const items = rows.slice(0, query.limit);
        const nextCursor = rows.length > query.limit ? items[items.length - 1]!.id : null;
        // The stored `data` texts go out as they are: no parse and re-serialise per event.
        res
          .type('application/json')
          .send(`{"items":[${items.map((e) => e.json).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`);
      },
    }),
  ];
}
