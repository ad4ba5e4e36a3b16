import type { Detector } from '../detector.ts';
import { capture, digitsIn, hasRun, NUM_LEFT, NUM_RIGHT } from './bounds.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const KEYWORDS =
  /(?<![a-z])bsn(?![a-z])|burger[\s_.-]?service[\s_.-]?(?:nummer|nr|number)|sofi[\s_.-]?(?:nummer|nr)/i;

/** 11-proef: 9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 (mod 11). */
export function bsnOk(d: string): boolean {
  if (d.length !== 9 || d === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (d.charCodeAt(i) - 48);
  sum -= d.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

/**
 * Dutch citizen service number (BSN): 9 digits (`123456782`, `1234.56.782`) passing the 11-proef. One random
 * 9-digit number in 11 passes, so a keyword (`BSN`, `burgerservicenummer`, `sofinummer`) is required.
 */
export const nlBsn: Detector = {
  name: 'nlBsn',
  minLength: 9,
  pattern: new RegExp(`${NUM_LEFT}(\\d{9}|\\d{4}\\.\\d{2}\\.\\d{3})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) =>
    (hasRun(text, 9) || text.includes('.')) && keywordAnywhere(KEYWORDS, text, context),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    return bsnOk(digitsIn(value)) && keywordNear(KEYWORDS, text, hit.start, context) ? hit : undefined;
  },
  canonical: digitsIn,
};
