import type { Detector } from '../detector.ts';
import { capture, hasRun, NUM_LEFT, NUM_RIGHT } from './bounds.ts';
import { modOf } from './check-digits.ts';
import { keywordNear } from './keyword.ts';

const KEYWORDS =
  /(?<![a-z])nir(?![a-z])|insee|s[ée]cu(?:rit[ée])?[\s_.-]?sociale|(?<![a-z])nss(?![a-z])|carte[\s_.-]?vitale|social[\s_.-]?security/i;

const CORSICA = /\d ?2[ABab] ?\d{3}/;
const PRINTED = /[1-478] \d\d \d\d (?:\d\d|2[ABab]) \d{3} /;

/** INSEE key: 97 − (first 13 digits mod 97), Corsica's departments 2A and 2B counted as 19 and 18. */
export function frNirOk(compact: string): boolean {
  if (compact.length !== 15) return false;
  const dept = compact.slice(5, 7).toUpperCase();
  const body = `${compact.slice(0, 5)}${dept === '2A' ? '19' : dept === '2B' ? '18' : dept}${compact.slice(7, 13)}`;
  if (!/^\d{13}$/.test(body)) return false;
  return 97 - modOf(body, 97) === Number(compact.slice(13));
}

/**
 * French social security number (NIR, numéro INSEE): sex, year, month, department (2A/2B for Corsica), commune,
 * order, key; compact or printed `1 85 05 78 006 084 36`. Month 01–12, 20 or 30–42 (unknown/fictitious). Sex 1 or
 * 2 is masked without a keyword (a random 15-digit run passes 1 in 2,000 times); the temporary numbers
 * (3, 4, 7, 8) need one.
 */
export const frNir: Detector = {
  name: 'frNir',
  minLength: 15,
  pattern: new RegExp(
    `${NUM_LEFT}([1-478] ?\\d{2} ?(?:0[1-9]|1[0-2]|20|3\\d|4[0-2]) ?(?:\\d{2}|2[ABab]) ?\\d{3} ?\\d{3} ?\\d{2})${NUM_RIGHT}`,
    'g',
  ),
  // Corsican numbers hold a letter, which breaks the long-number probe's digit run.
  worthScanning: (text) => hasRun(text, 15) || PRINTED.test(text) || CORSICA.test(text),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    const compact = value.replace(/ /g, '');
    if (!frNirOk(compact)) return undefined;
    return compact[0] === '1' || compact[0] === '2' || keywordNear(KEYWORDS, text, hit.start, context)
      ? hit
      : undefined;
  },
  canonical: (value) => value.replace(/ /g, '').toUpperCase(),
};
