import type { Detector } from '../detector.ts';
import { digitsOf } from '../detector.ts';

export function luhnOk(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer ranges and their lengths (Visa, Mastercard, Mir, Amex, Diners, JCB, Discover, UnionPay, Maestro). */
export function plausibleIin(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  switch (d.charCodeAt(0) - 48) {
    case 4:
      return n === 13 || n === 16 || n === 19;
    case 2:
      return ((p4 >= 2221 && p4 <= 2720) || (p4 >= 2200 && p4 <= 2204)) && n === 16;
    case 5:
      if (p2 >= 51 && p2 <= 55) return n === 16;
      return p2 === 50 || p2 >= 56;
    case 3:
      if (p2 === 34 || p2 === 37) return n === 15;
      if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14;
      return p4 >= 3528 && p4 <= 3589 && n >= 16;
    case 6:
      return true;
    default:
      return false;
  }
}

/**
 * How cards are printed: one block of 13–19 digits, groups of four (the last one shorter), or Amex/Diners
 * 4-6-5 / 4-6-4. UUIDs and dates never have these shapes even when all their characters are digits.
 */
function groupingOk(lengths: readonly number[]): boolean {
  const n = lengths.length;
  if (n === 1) return true;
  if (n === 3 && lengths[0] === 4 && lengths[1] === 6 && (lengths[2] === 5 || lengths[2] === 4)) return true;
  for (let i = 0; i < n - 1; i++) if (lengths[i] !== 4) return false;
  return lengths[n - 1]! <= 4;
}

interface Group {
  start: number;
  end: number;
  /** The separator before this group (`''` for the first). */
  sep: string;
}

/**
 * Payment card numbers: 13–19 digits, plain or grouped with spaces or dashes, with a plausible issuer prefix and
 * a valid Luhn check digit. The candidate is the longest digit run; every aligned sub-range of its groups is
 * tried, so `ref 12 4111 1111 1111 1111` still finds the card.
 */
export const card: Detector = {
  name: 'card',
  minLength: 13,
  pattern: /(?:^|[^0-9A-Za-z.,+])(\d(?:[ -]?\d){12,})(?![0-9A-Za-z]|[.,]\d)/g,
  worthScanning: (_text, probe) => probe.longNumber(),
  validate(m) {
    const s = m[1]!;
    const base = m.index + m[0].length - s.length;
    const groups: Group[] = [];
    let start = 0;
    let sep = '';
    for (let i = 0; i <= s.length; i++) {
      const c = s.charCodeAt(i);
      if (i === s.length || c === 32 || c === 45) {
        groups.push({ start, end: i, sep });
        start = i + 1;
        sep = s[i] ?? '';
      }
    }
    for (let i = 0; i < groups.length; i++) {
      let digits = 0;
      const lengths: number[] = [];
      let best = -1;
      for (let j = i; j < groups.length; j++) {
        const g = groups[j]!;
        if (j > i + 1 && g.sep !== groups[i + 1]!.sep) break;
        lengths.push(g.end - g.start);
        digits += g.end - g.start;
        if (digits > 19) break;
        if (digits >= 13 && groupingOk(lengths)) {
          const d = digitsOf(s.slice(groups[i]!.start, g.end));
          if (plausibleIin(d) && luhnOk(d)) best = j;
        }
      }
      if (best >= 0) return { start: base + groups[i]!.start, end: base + groups[best]!.end };
    }
    return undefined;
  },
  skipRejected: true,
  canonical: digitsOf,
  partial: (value) => `<card:…${digitsOf(value).slice(-4)}>`,
};
