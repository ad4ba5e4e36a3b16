import type { Detector } from '../detector.ts';
import { capture, WORD_LEFT, WORD_RIGHT } from './bounds.ts';
import { dateOk, two } from './check-digits.ts';

const CHECK = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const CENTURY: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900,
  U: 1900,
  V: 1900,
  W: 1900,
  X: 1900,
  Y: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};

export function hetuOk(v: string): boolean {
  const century = CENTURY[v[6]!];
  if (century === undefined || !dateOk(century + two(v, 4), two(v, 2), two(v, 0))) return false;
  const n = Number(v.slice(0, 6) + v.slice(7, 10));
  return v.slice(7, 10) !== '000' && v.slice(7, 10) !== '001' && CHECK[n % 31] === v[10];
}

const SHAPE = /\d[-+A-FU-Y]\d{3}[0-9A-Y]/;

/**
 * Finnish personal identity code (henkilötunnus): `ddmmyy`, century sign (`+`, `-`/U–Y, A–F), individual number
 * 002–999 and a check character (`0123456789ABCDEFHJKLMNPRSTUVWXY`[ddmmyynnn mod 31]). The date and the check
 * character validate it.
 */
export const fiHetu: Detector = {
  name: 'fiHetu',
  minLength: 11,
  pattern: new RegExp(`${WORD_LEFT}(\\d{6}[-+A-FU-Y]\\d{3}[0-9A-FHJ-NPR-Y])${WORD_RIGHT}`, 'g'),
  worthScanning: (text) => SHAPE.test(text),
  validate(m) {
    const { value, hit } = capture(m);
    return hetuOk(value) ? hit : undefined;
  },
};
