import type { Hit } from '../detector.ts';

/**
 * Left edge of a number: start, a character that is neither alphanumeric nor a number separator, or a separator
 * not preceded by a digit. Consumed rather than looked behind (see `tailGroup`); `<` and `>` count as edges.
 * Keeps `2026-12345678901` (part of a longer dotted/dashed number), `v1.2…` and `id12345678901` out.
 */
export const NUM_LEFT = '(?:^|[^0-9A-Za-z.,-]|(?<![0-9])[.,-])';
/** Right edge of a number: not followed by an alphanumeric or by a separator and a digit (`…901.5`, `…901-7`). */
export const NUM_RIGHT = '(?![0-9A-Za-z]|[.,-][0-9])';
/** Left edge of an alphanumeric value. */
export const WORD_LEFT = '(?:^|[^0-9A-Za-z])';
/** Right edge of an alphanumeric value. */
export const WORD_RIGHT = '(?![0-9A-Za-z])';

/** The value is capture group 1 and ends the match (the left boundary was consumed). */
export function capture(m: RegExpExecArray): { value: string; hit: Hit } {
  const value = m[1]!;
  const end = m.index + m[0].length;
  return { value, hit: { start: end - value.length, end } };
}

/** Digits only. */
export const digitsIn = (s: string): string => s.replace(/\D/g, '');

/** Whether the value was written with separators (its printed form) rather than as one digit run. */
export const separated = (s: string): boolean => /[^0-9A-Za-z]/.test(s);
