import type { Detector } from '../detector.ts';
import { capture, hasRun, NUM_LEFT, NUM_RIGHT } from './bounds.ts';
import { dateOk, two, weightedSum } from './check-digits.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const KEYWORDS = /pesel/i;
const WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
/** Month offsets by century: 1900 +0, 2000 +20, 2100 +40, 2200 +60, 1800 +80. */
const CENTURY = [1900, 2000, 2100, 2200, 1800];

export function peselOk(d: string): boolean {
  if (d.length !== 11) return false;
  const mm = two(d, 2);
  const century = CENTURY[Math.floor(mm / 20)];
  if (century === undefined || !dateOk(century + two(d, 0), mm % 20, two(d, 4))) return false;
  return (10 - (weightedSum(d, WEIGHTS) % 10)) % 10 === d.charCodeAt(10) - 48;
}

/**
 * Polish PESEL: 11 digits, birth date (month + 20 per century past 1900) and a weighted check digit. About 1 in
 * 50 random 11-digit numbers pass, so the keyword `PESEL` is required.
 */
export const plPesel: Detector = {
  name: 'plPesel',
  minLength: 11,
  pattern: new RegExp(`${NUM_LEFT}(\\d{11})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) => hasRun(text, 11) && keywordAnywhere(KEYWORDS, text, context),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    return peselOk(value) && keywordNear(KEYWORDS, text, hit.start, context) ? hit : undefined;
  },
};
