/**
 * A background task run every `everyMs`, one run at a time (the next is timed from the end of the
 * last), stopped by `stop()`, which waits for a run in progress.
 */
export interface Periodic {
  stop(): Promise<void>;
}

export function every(everyMs: number, task: () => Promise<void>): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = task().finally(() => {
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  };
  timer = setTimeout(tick, everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
