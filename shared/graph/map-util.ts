/** Defensive readers for Graph JSON: a wrong type reads as null, never throws. */
export type Json = Record<string, unknown>;

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

/** An integer from a number or a numeric string ("50", " 12 "); anything else is null. */
export function int(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : null;
  if (typeof v === 'string' && /^\s*-?\d+(\.0+)?\s*$/.test(v)) {
    const n = Number.parseInt(v, 10);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function obj(v: unknown): Json | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}
