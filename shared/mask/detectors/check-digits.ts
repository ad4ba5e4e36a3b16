/**
 * Check-digit arithmetic shared by the national-id detectors. Inputs are ASCII digit strings already cut to the
 * right length; every function is total (returns false/undefined, never throws) so validators stay one-liners.
 */
export { luhnOk } from './card.ts';

const d = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** Σ digit·weight over the first `weights.length` digits. */
export function weightedSum(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += d(digits, i) * weights[i]!;
  return sum;
}

/** The remainder of a decimal string (any length) modulo `m`, without BigInt. */
export function modOf(digits: string, m: number): number {
  let rest = 0;
  for (let i = 0; i < digits.length; i++) rest = (rest * 10 + d(digits, i)) % m;
  return rest;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A calendar day that exists in some year (29 February always allowed: the century is often unknown). */
export function dayOk(month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS[month - 1]!;
}

/** A day that exists in the given year (Gregorian leap rule). */
export function dateOk(year: number, month: number, day: number): boolean {
  if (!dayOk(month, day)) return false;
  if (month !== 2 || day !== 29) return true;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Two digits at `i` as a number. */
export const two = (s: string, i: number): number => d(s, i) * 10 + d(s, i + 1);
