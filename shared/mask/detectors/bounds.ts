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

const RUN = /\d{7,}/g;
let runsOf = '';
let runsMask = 0;

/**
 * Lengths of the maximal runs of 7 or more digits in `text`, as a bit mask (bit n: a run of n digits; runs over
 * 31 set bit 31). Cached for the last text: the numeric-id detectors all ask about the same string in a row, so
 * one native regex pass answers all of them and a detector whose compact length is absent skips its pattern.
 */
export function digitRuns(text: string): number {
  if (text === runsOf) return runsMask;
  let mask = 0;
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) mask |= 1 << Math.min(31, m[0].length);
  runsOf = text;
  runsMask = mask;
  return mask;
}

/** A maximal digit run of exactly `n` digits (7 ≤ n ≤ 30) occurs. */
export const hasRun = (text: string, n: number): boolean => (digitRuns(text) & (1 << n)) !== 0;
