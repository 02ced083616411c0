/**
 * Every kind of sync stream, registered once: the job that runs it, its payload, whether it
 * follows changes (delta) or is always walked in full, and which streams of that kind an
 * integration has. A stream whose kind is not registered here (a retired kind, a kind of a newer
 * version) is not synced: callers log it and go on.
 */
import type { JobsOptions } from 'bullmq';
import type { Producer, SyncTrigger } from '../queue/index.js';
import { formatStreamKey, parseStreamKey, type StreamKey, type StreamKind } from './stream-key.js';

export type SyncMode = 'full' | 'delta';

export interface StreamSyncRequest {
  integrationId: string;
  stream: StreamKey;
  mode: SyncMode;
  trigger: SyncTrigger;
}

/** A synced, active room of the integration (calendar streams are one per such room). */
export interface StreamRoom {
  id: string;
}

/** One stream of one integration. */
export interface StreamTarget {
  integrationId: string;
  stream: StreamKey;
}

export interface StreamKindSpec {
  kind: StreamKind;
  /** False: every run walks the whole resource, whatever mode was asked for. */
  followsChanges: boolean;
  /** The streams of this kind an integration has. */
  streamsOf(rooms: readonly StreamRoom[]): StreamKey[];
  /** Adds this stream's job (typed by the job map). */
  enqueue(producer: Pick<Producer, 'enqueue'>, req: StreamSyncRequest, opts: JobsOptions): Promise<{ id: string }>;
}

const ROOMS: StreamKindSpec = {
  kind: 'rooms',
  followsChanges: false,
  streamsOf: () => [formatStreamKey({ kind: 'rooms' })],
  enqueue: (producer, req, opts) =>
    producer.enqueue('rooms.sync', { integrationId: req.integrationId, trigger: req.trigger }, opts),
};

const USERS: StreamKindSpec = {
  kind: 'users',
  followsChanges: true,
  streamsOf: () => [formatStreamKey({ kind: 'users' })],
  enqueue: (producer, req, opts) =>
    producer.enqueue('users.sync', { integrationId: req.integrationId, mode: req.mode, trigger: req.trigger }, opts),
};

/** One stream per synced, active room: its calendar (calendarView delta over the rolling window). */
const CALENDAR: StreamKindSpec = {
  kind: 'calendar',
  followsChanges: true,
  streamsOf: (rooms) => rooms.map((r) => formatStreamKey({ kind: 'calendar', roomId: r.id })),
  enqueue: (producer, req, opts) => {
    const ref = parseStreamKey(req.stream);
    if (ref?.kind !== 'calendar') throw new Error(`${req.stream} is not a calendar stream`);
    const payload = { integrationId: req.integrationId, roomId: ref.roomId, mode: req.mode, trigger: req.trigger };
    return producer.enqueue('calendar.sync', payload, opts);
  },
};

/** In sync order: rooms first (users and calendars refer to them), then users, then the rooms' calendars. */
export const STREAM_KINDS: readonly StreamKindSpec[] = [ROOMS, USERS, CALENDAR];

/** The registered kind of a stream key; undefined for a key that names no stream synced here. */
export function streamKindOf(stream: string): StreamKindSpec | undefined {
  const ref = parseStreamKey(stream);
  return ref ? STREAM_KINDS.find((k) => k.kind === ref.kind) : undefined;
}

/** Whether `stream` is a stream this version syncs (parsed and of a registered kind). */
export function isSyncedStream(stream: string): stream is StreamKey {
  return streamKindOf(stream) !== undefined;
}

/** Every stream of an integration, in sync order: what "all streams" means everywhere. */
export function streamsOf(integration: { id: string }, rooms: readonly StreamRoom[]): StreamTarget[] {
  return STREAM_KINDS.flatMap((k) => k.streamsOf(rooms)).map((stream) => ({ integrationId: integration.id, stream }));
}
