import type { Detector } from '../detector.ts';
import { capture, digitsIn, hasRun, NUM_LEFT, NUM_RIGHT, separated } from './bounds.ts';
import { modOf, two } from './check-digits.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const PRINTED = /\d\d\.\d\d\.\d\d-\d{3}\.\d\d/;

const KEYWORDS =
  /rijksregister|registre[\s_.-]?national|national[\s_.-]?(?:number|register|nr)|(?<![a-z])(?:insz|niss|rrn)(?![a-z])|num[ée]ro[\s_.-]?national/i;

/**
 * Birth date `yymmdd` (month may be 0 when unknown, + 20 or + 40 for bis numbers; day may be 0), then
 * check = 97 − (first 9 digits mod 97), or with a `2` prefixed for people born from 2000.
 */
export function beNationalNumberOk(d: string): boolean {
  if (d.length !== 11) return false;
  const mm = two(d, 2) % 20;
  if (two(d, 2) > 52 || mm > 12 || two(d, 4) > 31) return false;
  const check = two(d, 9);
  const nine = d.slice(0, 9);
  return 97 - modOf(nine, 97) === check || 97 - modOf(`2${nine}`, 97) === check;
}

/**
 * Belgian national register number (rijksregisternummer / numéro de registre national): printed
 * `85.07.30-033.28` it is masked as is; a bare 11-digit run passes about 1 in 400 times at random and needs a
 * keyword (`rijksregister`, `INSZ`, `NISS`, `national number`).
 */
export const beNationalNumber: Detector = {
  name: 'beNationalNumber',
  minLength: 11,
  pattern: new RegExp(`${NUM_LEFT}(\\d{11}|\\d{2}\\.\\d{2}\\.\\d{2}-\\d{3}\\.\\d{2})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) =>
    (hasRun(text, 11) && keywordAnywhere(KEYWORDS, text, context)) || PRINTED.test(text),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    if (!beNationalNumberOk(digitsIn(value))) return undefined;
    return separated(value) || keywordNear(KEYWORDS, text, hit.start, context) ? hit : undefined;
  },
  canonical: digitsIn,
};
