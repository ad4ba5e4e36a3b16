import type { Detector } from '../detector.ts';
import { capture, digitsIn, hasRun, NUM_LEFT, NUM_RIGHT, separated } from './bounds.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const PRINTED = /\d\d \d{3} \d{3} \d{3}/;

const KEYWORDS =
  /steuer|(?<![a-z])st[\s_.-]?id|tax[\s_.-]?id|(?<![a-z])tin(?![a-z])|(?<![a-z])idnr|identifikations[\s_.-]?nr|identifikationsnummer/i;

/**
 * Structure rule of the Steuer-ID: in the first ten digits exactly one digit occurs two or three times, every
 * other at most once, and a tripled digit never fills three adjacent positions.
 */
function digitsRuleOk(d: string): boolean {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[d.charCodeAt(i) - 48]!++;
  let repeated = -1;
  for (let v = 0; v < 10; v++) {
    const c = counts[v]!;
    if (c > 3) return false;
    if (c >= 2) {
      if (repeated >= 0) return false;
      repeated = v;
    }
  }
  if (repeated < 0) return false;
  if (counts[repeated] === 3) {
    const r = String(repeated);
    for (let i = 0; i + 2 < 10; i++) if (d[i] === r && d[i + 1] === r && d[i + 2] === r) return false;
  }
  return true;
}

/** ISO 7064 MOD 11,10 check digit over the first ten digits. */
export function deTaxIdOk(d: string): boolean {
  if (d.length !== 11 || d[0] === '0' || !digitsRuleOk(d)) return false;
  let p = 10;
  for (let i = 0; i < 10; i++) {
    let s = (d.charCodeAt(i) - 48 + p) % 10;
    if (s === 0) s = 10;
    p = (2 * s) % 11;
  }
  const check = (11 - p) % 10;
  return check === d.charCodeAt(10) - 48;
}

/**
 * German tax identification number (Steuerliche Identifikationsnummer): 11 digits, digit-repetition rule and
 * MOD 11,10 check. A bare run of 11 digits passes about 1 in 300 times at random, so it needs a keyword
 * (`Steuer-ID`, `IdNr`, `tax id`…); the printed form `12 345 678 901` does not.
 */
export const deTaxId: Detector = {
  name: 'deTaxId',
  minLength: 11,
  pattern: new RegExp(`${NUM_LEFT}([1-9]\\d(?: \\d{3}){3}|[1-9]\\d{10})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) =>
    (hasRun(text, 11) && keywordAnywhere(KEYWORDS, text, context)) || PRINTED.test(text),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    if (!deTaxIdOk(digitsIn(value))) return undefined;
    return separated(value) || keywordNear(KEYWORDS, text, hit.start, context) ? hit : undefined;
  },
  canonical: digitsIn,
};
