/** Event and subscription JSON → GraphEvent / GraphSubscription. */
import type {
  GraphAttendee,
  GraphEmailAddress,
  GraphEvent,
  GraphRecurrenceRange,
  GraphScheduleItem,
  GraphSubscription,
} from './graph-types.js';
import { bool, obj, str, type Json } from './map-util.js';

export function mapEvent(raw: Json): GraphEvent | null {
  const id = str(raw.id);
  if (!id) return null;
  return {
    id,
    iCalUId: str(raw.iCalUId),
    seriesMasterId: str(raw.seriesMasterId),
    type: str(raw.type),
    subject: str(raw.subject),
    start: utcIso(raw.start),
    end: utcIso(raw.end),
    isAllDay: bool(raw.isAllDay) ?? false,
    isCancelled: bool(raw.isCancelled) ?? false,
    showAs: str(raw.showAs),
    sensitivity: str(raw.sensitivity),
    organizer: emailAddress(obj(raw.organizer)?.emailAddress),
    attendees: Array.isArray(raw.attendees)
      ? raw.attendees.map(attendee).filter((a): a is GraphAttendee => a !== null)
      : [],
    location: str(obj(raw.location)?.displayName),
    responseStatus: str(obj(raw.responseStatus)?.response),
    createdDateTime: str(raw.createdDateTime),
    lastModifiedDateTime: str(raw.lastModifiedDateTime),
    changeKey: str(raw.changeKey),
    recurrence: recurrenceRange(obj(raw.recurrence)?.range),
  };
}

function recurrenceRange(v: unknown): GraphRecurrenceRange | null {
  const o = obj(v);
  const type = str(o?.type);
  if (!o || !type) return null;
  const n = typeof o.numberOfOccurrences === 'number' ? o.numberOfOccurrences : null;
  const end = str(o.endDate);
  return {
    type,
    endDate: end && end !== '0001-01-01' ? end : null,
    numberOfOccurrences: n,
    recurrenceTimeZone: str(o.recurrenceTimeZone),
  };
}

/** getSchedule's scheduleItem → our busy slot (times in UTC, as asked). */
export function mapScheduleItem(raw: Json): GraphScheduleItem | null {
  const start = utcIso(raw.start);
  const end = utcIso(raw.end);
  if (!start || !end) return null;
  return { status: str(raw.status) ?? 'unknown', start, end };
}

/**
 * `{dateTime: "2024-05-01T10:00:00.0000000", timeZone: "UTC"}` → "2024-05-01T10:00:00.000Z".
 * We ask Graph for UTC (Prefer: outlook.timezone="UTC"); a value in another zone is kept as sent.
 */
export function utcIso(v: unknown): string | null {
  const o = obj(v);
  const dateTime = str(o?.dateTime);
  if (!dateTime) return null;
  const zone = str(o?.timeZone);
  if (zone !== null && zone.toUpperCase() !== 'UTC' && zone !== 'Etc/UTC') return dateTime;
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(dateTime);
  const ms = Date.parse(hasOffset ? dateTime : `${dateTime}Z`);
  return Number.isNaN(ms) ? dateTime : new Date(ms).toISOString();
}

function emailAddress(v: unknown): GraphEmailAddress | null {
  const o = obj(v);
  if (!o) return null;
  return { name: str(o.name), address: str(o.address) };
}

function attendee(v: unknown): GraphAttendee | null {
  const o = obj(v);
  const email = emailAddress(o?.emailAddress);
  if (!o || !email) return null;
  return { name: email.name, address: email.address, type: str(o.type), response: str(obj(o.status)?.response) };
}

export function mapSubscription(raw: Json): GraphSubscription | null {
  const id = str(raw.id);
  if (!id) return null;
  return {
    id,
    resource: str(raw.resource) ?? '',
    changeType: str(raw.changeType) ?? '',
    notificationUrl: str(raw.notificationUrl),
    lifecycleNotificationUrl: str(raw.lifecycleNotificationUrl),
    expirationDateTime: str(raw.expirationDateTime) ?? '',
    clientState: str(raw.clientState),
    applicationId: str(raw.applicationId),
    latestSupportedTlsVersion: str(raw.latestSupportedTlsVersion),
  };
}
