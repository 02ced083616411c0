/** An event as Outlook's Graph API shows it (from the room mailbox's point of view). */
import type { EventRecord, RoomRecord } from '../tenant/model.js';

/** Graph's local date-time form: 2024-05-01T09:00:00.0000000 (time zone given separately). */
export function graphDateTime(iso: string): string {
  return iso.replace(/Z$/, '').replace(/\.(\d{3})$/, '.$10000');
}

export function eventJson(
  ev: EventRecord,
  room: RoomRecord | undefined,
  opts: { ownerAddress?: string; expandProperties?: string[] } = {},
): Record<string, unknown> {
  const owner = opts.ownerAddress ?? room?.emailAddress;
  const isOrganizer = !!owner && ev.organizer.address.toLowerCase() === owner.toLowerCase();
  const props = Object.entries(ev.extendedProperties ?? {}).filter(([id]) => opts.expandProperties?.includes(id));
  const location = room
    ? {
        displayName: room.displayName,
        locationType: 'conferenceRoom',
        uniqueId: room.emailAddress,
        uniqueIdType: 'directory',
      }
    : { displayName: '', locationType: 'default' };
  return {
    '@odata.etag': `W/"${ev.changeKey}"`,
    id: ev.id,
    createdDateTime: ev.createdDateTime,
    lastModifiedDateTime: ev.lastModifiedDateTime,
    changeKey: ev.changeKey,
    categories: [],
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    iCalUId: ev.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: false,
    hasAttachments: false,
    subject: ev.subject,
    bodyPreview: (ev.body ?? '').slice(0, 255),
    importance: 'normal',
    sensitivity: ev.sensitivity ?? 'normal',
    isAllDay: ev.isAllDay ?? false,
    isCancelled: ev.isCancelled,
    isOrganizer,
    responseRequested: true,
    seriesMasterId: ev.seriesMasterId ?? null,
    showAs: ev.roomResponse === 'declined' ? 'free' : 'busy',
    type: ev.type ?? 'singleInstance',
    isOnlineMeeting: false,
    responseStatus: {
      response: isOrganizer ? 'organizer' : ev.roomResponse,
      time: ev.responseTime ?? '0001-01-01T00:00:00Z',
    },
    body: { contentType: 'html', content: ev.body ?? '' },
    start: { dateTime: graphDateTime(ev.start), timeZone: 'UTC' },
    end: { dateTime: graphDateTime(ev.end), timeZone: 'UTC' },
    location,
    locations: room ? [location] : [],
    attendees: ev.attendees.map((a) => ({
      type: a.type,
      status: { response: a.response, time: ev.responseTime ?? '0001-01-01T00:00:00Z' },
      emailAddress: { name: a.name, address: a.address },
    })),
    organizer: { emailAddress: { name: ev.organizer.name, address: ev.organizer.address } },
    recurrence: ev.type === 'seriesMaster' && ev.recurrence ? ev.recurrence : null,
    ...(ev.transactionId ? { transactionId: ev.transactionId } : {}),
    ...(opts.expandProperties ? { singleValueExtendedProperties: props.map(([id, value]) => ({ id, value })) } : {}),
  };
}

/** Parses `{dateTime, timeZone}` or an ISO string to an ISO instant (time zones other than UTC are treated as UTC). */
export function parseGraphDateTime(v: unknown): string | null {
  const raw =
    typeof v === 'string' ? v : v && typeof v === 'object' ? (v as { dateTime?: unknown }).dateTime : undefined;
  if (typeof raw !== 'string') return null;
  const withZone = /Z$|[+-]\d\d:\d\d$/.test(raw) ? raw : `${raw}Z`;
  const t = Date.parse(withZone);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
