/**
 * One run of a room's calendar stream. It resumes a round under way (from its checkpoint);
 * otherwise it starts a full round over a new window when none is stored, when a full load was
 * asked for, or when the room's daily re-base time came (calendar-window.ts); otherwise a delta
 * round from the stored deltaLink. An expired delta state (410, syncStateNotFound, resyncRequired)
 * drops it and loads this room in full again; the other rooms are not touched.
 */
import { randomUUID } from 'node:crypto';
import { GraphDeltaExpiredError } from '@ones-m365/shared/graph';
import { walkDelta } from '../runner/delta-walk.js';
import { addWarnings } from '../runner/run-warnings.js';
import type { CalendarEnv } from './calendar-env.js';
import { writeCalendarPage } from './calendar-page.js';
import { parseCalendarState, type CalendarState } from './calendar-state.js';
import { rebaseDue, windowAt } from './calendar-window.js';

export type RoundMode = 'full' | 'delta';

/** Runs the stream's round; returns what ran (a resumed full round counts as full). */
export async function runCalendarRound(env: CalendarEnv, wantFull: boolean): Promise<RoundMode> {
  const row = await env.store.syncStates.get(env.room.integrationId, env.stream);
  const state = parseCalendarState(row?.checkpoint);
  const fullDue = wantFull || !state || !row?.deltaLink || rebaseDue(env.room.id, new Date(state.basedAt), env.now());
  try {
    if (state?.round && (state.round.mode === 'full' || !fullDue))
      return await walk(env, state, state.round.mode, state.round.link);
    if (fullDue) return await walk(env, newWindow(env), 'full');
    return await walk(env, state, 'delta', row.deltaLink!);
  } catch (err) {
    if (!(err instanceof GraphDeltaExpiredError)) throw err;
    env.ctx.logger.warn('calendar delta state expired; loading the room in full', {
      graphCode: err.graphCode,
      stream: env.stream,
    });
    addWarnings(env.run, [
      `the delta state expired (${err.graphCode ?? err.graphStatus ?? 'expired'}): dropped it and loaded the room's calendar in full`,
    ]);
    await env.store.syncStates.save(env.room.integrationId, env.stream, { deltaLink: null, checkpoint: null });
    return await walk(env, newWindow(env), 'full');
  }
}

function newWindow(env: CalendarEnv): CalendarState {
  const now = env.now();
  const w = windowAt(now, env.windowDays);
  return {
    window: { start: w.start.toISOString(), end: w.end.toISOString() },
    basedAt: now.toISOString(),
    marker: randomUUID(),
  };
}

async function walk(env: CalendarEnv, start: CalendarState, mode: RoundMode, link?: string): Promise<RoundMode> {
  let state = start;
  let pages = 0;
  await walkDelta(
    env.stream,
    (next) =>
      env.graph.calendarViewDelta(
        env.conn,
        env.room.email,
        next ? { link: next } : { start: state.window.start, end: state.window.end },
        env.pageSize,
      ),
    async (page, at) => {
      state = await writeCalendarPage(env, state, mode, page, at);
      pages++;
      await env.ctx.progress({
        stream: env.stream,
        mode,
        pages,
        created: env.run.created,
        updated: env.run.updated,
        cancelled: env.run.deactivated,
        requests: env.graphRequests(),
      });
      return 'continue';
    },
    link,
  );
  return mode;
}
