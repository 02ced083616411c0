/**
 * Integer query and path parameters: decimal digits only. `Number()` (and so `z.coerce.number()`)
 * also reads `0x10`, ` 5`, `1e2` and `+5`; a parameter that means one thing is spelled one way.
 */
import { z } from 'zod';

export function decimalInteger(range: { min: number; max: number }) {
  const outOfRange = `must be ${range.min}-${range.max}`;
  return z
    .string({ message: 'must be a whole number in decimal digits' })
    .regex(/^[0-9]{1,15}$/, 'must be a whole number in decimal digits (0-9 only)')
    .transform(Number)
    .pipe(z.number().min(range.min, outOfRange).max(range.max, outOfRange));
}
