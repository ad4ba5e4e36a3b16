import type { Detector } from '../detector.ts';
import { alnum } from '../detector.ts';

/** IBAN length by country (SWIFT IBAN registry, https://www.swift.com/standards/data-standards/iban). */
const LENGTH: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

export const IBAN_LENGTHS = LENGTH;

/** ISO 13616 check: move the first four characters to the end, letters to 10..35, the number mod 97 is 1. */
export function ibanChecksumOk(compact: string): boolean {
  const s = compact.slice(4) + compact.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 57) rest = (rest * 10 + (c - 48)) % 97;
    else rest = (rest * 100 + ((c | 0x20) - 87)) % 97;
  }
  return rest === 1;
}

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Space, NBSP, tab and dash: what banking UIs and copy-paste put between the groups. */
const isSeparator = (c: number): boolean => c === 32 || c === 0xa0 || c === 9 || c === 45;

const HEX_ID = /^[0-9a-f]*[a-f][0-9a-f]*$/;
const DIGIT = /\d/g;

/**
 * An IBAN typed in lower (or mixed) case, e.g. `gb82 west 1234 5698 7654 32`, is as sensitive as the canonical
 * upper-case form. Lower-case text is full of other things, though, so beyond mod-97 such a value must not read
 * like a hex id (a span id `be12…` of the right length; a Belgian IBAN is all digits and still passes) and at least
 * half of its BBAN must be digits (every BBAN is mostly digits; four-letter words in a row are prose).
 */
function lowerCaseOk(compact: string): boolean {
  const bban = compact.slice(4);
  if (HEX_ID.test(bban)) return false;
  return (bban.match(DIGIT)?.length ?? 0) * 2 >= bban.length;
}

/**
 * IBANs, compact or printed in groups of four (separated by spaces, NBSP, tabs or dashes), in any letter case. The country's fixed length decides where the
 * IBAN ends (so a following upper-case word is not swallowed) and mod-97 validates it.
 */
export const iban: Detector = {
  name: 'iban',
  minLength: 15, // Norway
  pattern: /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \u00a0\t-]?[A-Za-z0-9]){11,30}/g,
  worthScanning: (_text, probe) => probe.ibanShape(),
  validate(m, text) {
    const country = m[0].slice(0, 2);
    const upper = country.toUpperCase();
    const length = LENGTH[upper];
    if (length === undefined) return undefined;
    const s = m[0];
    let count = 0;
    let i = 0;
    let sep = -1;
    for (; i < s.length && count < length; i++) {
      const c = s.charCodeAt(i);
      if (isSeparator(c)) {
        // Separators only between groups of four, and one kind per IBAN (`DE89 3704-0044` is two values).
        if (count % 4 !== 0 || (sep >= 0 && c !== sep)) return undefined;
        sep = c;
      } else count++;
    }
    if (count < length) return undefined;
    const end = m.index + i;
    if (end < text.length && isAlnum(text.charCodeAt(end))) return undefined;
    const compact = alnum(s.slice(0, i));
    if (!ibanChecksumOk(compact)) return undefined;
    return country === upper || lowerCaseOk(compact) ? { start: m.index, end } : undefined;
  },
  canonical: (value) => alnum(value).toUpperCase(),
  partial(value) {
    const c = alnum(value).toUpperCase();
    return `<iban:${c.slice(0, 4)}…${c.slice(-4)}>`;
  },
};
