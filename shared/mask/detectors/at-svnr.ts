import type { Detector } from '../detector.ts';
import { capture, digitsIn, hasRun, NUM_LEFT, NUM_RIGHT, separated } from './bounds.ts';
import { dayOk, two } from './check-digits.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const PRINTED = /\d{4} \d{6}/;

const KEYWORDS =
  /sozial[\s_.-]?versicherung|versicherungs[\s_.-]?(?:nummer|nr)|(?<![a-z])(?:svnr|vsnr)(?![a-z])|(?<![a-z])sv[\s_.-]?(?:nr|nummer)(?![a-z])|social[\s_.-]?security/i;
const WEIGHTS = [3, 7, 9, 0, 5, 8, 4, 2, 1, 6];

/** Serial (3 digits, first not 0), check digit, birth date `ddmmyy`; check = Σ weights mod 11 (10 never issued). */
export function svnrOk(d: string): boolean {
  if (d.length !== 10 || d[0] === '0' || !dayOk(two(d, 6), two(d, 4))) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (d.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return sum % 11 === d.charCodeAt(3) - 48;
}

/**
 * Austrian social insurance number (Sozialversicherungsnummer): printed `1237 010180` it is masked as is; a
 * compact 10-digit run also reads as an epoch second, so it needs a keyword (`SVNR`, `Sozialversicherung`).
 */
export const atSvnr: Detector = {
  name: 'atSvnr',
  minLength: 10,
  pattern: new RegExp(`${NUM_LEFT}(\\d{4} ?\\d{6})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) =>
    (hasRun(text, 10) && keywordAnywhere(KEYWORDS, text, context)) || PRINTED.test(text),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    if (!svnrOk(digitsIn(value))) return undefined;
    return separated(value) || keywordNear(KEYWORDS, text, hit.start, context) ? hit : undefined;
  },
  canonical: digitsIn,
};
