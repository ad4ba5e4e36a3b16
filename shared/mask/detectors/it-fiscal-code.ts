import type { Detector } from '../detector.ts';
import { capture, WORD_LEFT, WORD_RIGHT } from './bounds.ts';

/** Values of characters in odd positions (1st, 3rd, …): digits 0–9 then letters A–Z. */
const ODD = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16,
  10, 22, 25, 24, 23,
];

const index = (c: number): number => (c <= 57 ? c - 48 : c - 55); // '0'..'9' → 0..9, 'A'..'Z' → 10..35

/** Check character of the codice fiscale over its first 15 characters (upper case). */
export function itCheckChar(code: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const v = index(code.charCodeAt(i));
    sum += i % 2 === 0 ? ODD[v]! : v < 10 ? v : v - 10;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** Digits of the code may be replaced by these letters (omocodia) when two people would share a code. */
const D = '[0-9LMNPQRSTUV]';

/**
 * Italian fiscal code (codice fiscale): 6 letters (surname, name), year, month letter, day (+40 for women),
 * municipality, check character. In one letter case (`RSSMRA85T10A562S` or lower case); the check character is
 * the validator.
 */
export const itFiscalCode: Detector = {
  name: 'itFiscalCode',
  minLength: 16,
  pattern: new RegExp(
    `${WORD_LEFT}([A-Za-z]{6}${D}{2}[A-EHLMPR-Ta-ehlmpr-t]${D}{2}[A-Za-z]${D}{3}[A-Za-z])${WORD_RIGHT}`,
    'gi',
  ),
  worthScanning: (text) => SHAPE.test(text),
  validate(m) {
    const { value, hit } = capture(m);
    const upper = value.toUpperCase();
    if (value !== upper && value !== value.toLowerCase()) return undefined;
    return itCheckChar(upper) === upper[15] ? hit : undefined;
  },
  canonical: (value) => value.toUpperCase(),
};

/**
 * Year digit, month letter, day digits, municipality letter: the cheapest distinctive part of the shape. Codes
 * whose year's last digit and day are both omocodic letters skip the detector (they are reissued only on a
 * collision of two codes, rarer still with those positions changed).
 */
const SHAPE = /\d[A-EHLMPR-T]\d\d[A-Z]/i;
