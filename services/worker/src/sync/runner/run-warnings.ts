import type { SyncRunEntity } from '@ones-m365/shared/db';

const MAX_WARNINGS = 200;

/** Appends warnings to a run, keeping at most MAX_WARNINGS (the last says how many more). */
export function addWarnings(run: Pick<SyncRunEntity, 'warnings'>, warnings: string[]): void {
  if (warnings.length === 0) return;
  const all = [...(run.warnings ?? []), ...warnings];
  run.warnings =
    all.length > MAX_WARNINGS
      ? [...all.slice(0, MAX_WARNINGS - 1), `… and ${all.length - MAX_WARNINGS + 1} more`]
      : all;
}
