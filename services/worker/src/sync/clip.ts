/**
 * At most `max` characters, counted in code points as MySQL's utf8mb4 columns count them, so a
 * long Graph value (Graph allows 256 where our columns hold 255) never fails a whole page and an
 * emoji is never split.
 */
export function clip(s: string | null, max: number): string | null {
  if (s === null || s.length <= max) return s;
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max).join('');
}
