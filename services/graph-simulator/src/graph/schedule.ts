/**
 * POST /users/{id}/calendar/getSchedule: free/busy of the mailboxes named in `schedules` over
 * [startTime, endTime): each one's busy items (`scheduleItems`: status, start, end, subject
 * unless private) and an `availabilityView` string (one digit per `availabilityViewInterval`
 * minutes: 0 free, 1 tentative, 2 busy). Declined, cancelled and removed events leave no trace.
 * A name that is no mailbox gets an `error` entry, as Graph answers.
 */
import type { SimContext } from '../context.js';
import { graphError, parseJsonBody } from '../http/errors.js';
import type { Router } from '../http/router.js';
import type { SimRequest, SimResponse } from '../http/types.js';
import type { Tenant } from '../tenant/tenant.js';
import { guarded, PERMS } from './auth.js';
import { mailboxNotFound } from './calendar-delta.js';
import { graphDateTime, parseGraphDateTime } from './event-json.js';
import { calendarOf, mailboxOf } from './events.js';

export function addScheduleRoute(router: Router, ctx: SimContext): void {
  router.add(
    'POST',
    '/v1.0/users/{user}/calendar/getSchedule',
    guarded(ctx, PERMS.calendarsRead, 'exchange', (req, c) =>
      mailboxOf(c.tenant, req.params.user ?? '')
        ? schedule(req, c.tenant)
        : mailboxNotFound(req, req.params.user ?? ''),
    ),
  );
}

function schedule(req: SimRequest, t: Tenant): SimResponse {
  const body = parseJsonBody(req);
  if (!body) return graphError(req, 400, 'RequestBodyRead', 'Invalid JSON in the request body.');
  const start = parseGraphDateTime(body.startTime);
  const end = parseGraphDateTime(body.endTime);
  const names = Array.isArray(body.schedules) ? body.schedules.filter((s): s is string => typeof s === 'string') : [];
  const interval = typeof body.availabilityViewInterval === 'number' ? body.availabilityViewInterval : 30;
  if (!start || !end || end <= start || names.length === 0 || names.length > 100 || interval < 5 || interval > 1440)
    return graphError(
      req,
      400,
      'ErrorInvalidParameter',
      'schedules, startTime and endTime (after startTime) are required.',
    );
  const value = names.map((name) => {
    const mbx = mailboxOf(t, name);
    if (!mbx)
      return {
        scheduleId: name,
        availabilityView: '',
        error: { message: 'The mailbox was not found.', responseCode: 'ErrorMailboxNotFound' },
      };
    const busy = calendarOf(t, mbx).filter(
      (e) =>
        !e.deleted &&
        !e.isCancelled &&
        e.roomResponse !== 'declined' &&
        e.type !== 'seriesMaster' &&
        e.start < end &&
        e.end > start,
    );
    const slots = Math.ceil((Date.parse(end) - Date.parse(start)) / (interval * 60_000));
    let view = '';
    for (let i = 0; i < slots; i++) {
      const a = new Date(Date.parse(start) + i * interval * 60_000).toISOString();
      const b = new Date(Date.parse(start) + (i + 1) * interval * 60_000).toISOString();
      view += busy.some((e) => e.start < b && e.end > a) ? '2' : '0';
    }
    return {
      scheduleId: name,
      availabilityView: view,
      scheduleItems: busy.map((e) => ({
        isPrivate: e.sensitivity === 'private',
        status: 'busy',
        ...(e.sensitivity === 'private' ? {} : { subject: e.subject }),
        start: { dateTime: graphDateTime(e.start), timeZone: 'UTC' },
        end: { dateTime: graphDateTime(e.end), timeZone: 'UTC' },
      })),
      workingHours: {
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        startTime: '08:00:00.0000000',
        endTime: '17:00:00.0000000',
        timeZone: { name: 'UTC' },
      },
    };
  });
  return {
    status: 200,
    body: { '@odata.context': `${req.origin}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)`, value },
  };
}
