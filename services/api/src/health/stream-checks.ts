/**
 * One check per stream kind (`stream:users`, `stream:rooms`, and any kind the service syncs, such
 * as `stream:calendar`): the kinds are read from the records, so a new kind of stream shows here
 * without code here. A kind with many streams (one calendar per room) reports its worst stream.
 */
import type { StreamRunSummary } from '@ones-m365/shared/db';
import { streamKind } from '@ones-m365/shared/operations';
import { ago, stamp, type HealthCheck, type HealthFacts, type HealthStatus } from './health-types.js';

const MIN_STALE_MS = 30 * 60_000;

/** A stream is late after three missed runs of its schedule (and never before 30 minutes). */
export function staleAfterMs(facts: HealthFacts): number {
  const every = facts.scheduleEverySeconds ?? facts.integration.pollIntervalSeconds;
  return Math.max(3 * every * 1000, MIN_STALE_MS);
}

function kindsOf(facts: HealthFacts): string[] {
  return [...new Set([...facts.expectedStreamKinds, ...facts.streams.map((s) => streamKind(s.stream))])].sort();
}

function oldestSuccess(streams: StreamRunSummary[]): Date | null {
  if (streams.some((s) => !s.lastSuccessAt)) return null;
  return streams.reduce<Date | null>((min, s) => (!min || s.lastSuccessAt! < min ? s.lastSuccessAt : min), null);
}

function label(kind: string, streams: StreamRunSummary[]): string {
  return streams.length > 1 ? `${kind} (${streams.length} streams)` : kind;
}

function enabledCheck(
  kind: string,
  streams: StreamRunSummary[],
  facts: HealthFacts,
): { status: HealthStatus; message: string } {
  const name = label(kind, streams);
  const failing = streams.filter((s) => s.failure);
  if (failing.length) {
    const f = failing.sort((a, b) => b.failure!.at.getTime() - a.failure!.at.getTime())[0]!;
    const which = streams.length > 1 ? `${failing.length} of ${streams.length} streams failing; ` : '';
    return {
      status: 'failing',
      message: `${name}: ${which}the last run failed at ${stamp(f.failure!.at)}: ${f.failure!.error ?? 'no error recorded'}. Fix what it says (POST …/test checks the credentials), then POST …/sync; GET …/sync-runs has the details.`,
    };
  }
  const retrying = streams.find((s) => s.retrying);
  if (retrying) return { status: 'warning', message: `${name}: a run is being retried: ${retrying.retrying}` };
  if (!streams.length)
    return {
      status: 'warning',
      message: `${name}: no sync has finished yet (the first one may still be running; Bull Board shows it).`,
    };
  const oldest = oldestSuccess(streams);
  if (!oldest) return { status: 'warning', message: `${name}: a stream has never synced successfully yet.` };
  const late = facts.now.getTime() - oldest.getTime() > staleAfterMs(facts);
  const lastFailure = streams.reduce<Date | null>(
    (max, s) => (s.lastFailureAt && (!max || s.lastFailureAt > max) ? s.lastFailureAt : max),
    null,
  );
  const what = `${streams.length > 1 ? 'oldest ' : ''}last successful sync ${ago(oldest, facts.now)} (${stamp(oldest)})${lastFailure ? `; last failed run ${ago(lastFailure, facts.now)}, since recovered` : ''}`;
  if (late)
    return {
      status: 'warning',
      message: `${name}: ${what}, later than expected: check the worker is running and the sync queue is not backed up (Bull Board).`,
    };
  return { status: 'ok', message: `${name}: ${what}.` };
}

export function streamChecks(facts: HealthFacts): HealthCheck[] {
  return kindsOf(facts).map((kind) => {
    const streams = facts.streams.filter((s) => streamKind(s.stream) === kind);
    if (facts.integration.status !== 'enabled') {
      const oldest = oldestSuccess(streams);
      return {
        name: `stream:${kind}`,
        status: 'ok',
        message: `${kind}: not syncing (the integration is ${facts.integration.status})${oldest ? `; last successful sync ${ago(oldest, facts.now)}` : ''}.`,
      };
    }
    const { status, message } = enabledCheck(kind, streams, facts);
    return { name: `stream:${kind}`, status, message };
  });
}
