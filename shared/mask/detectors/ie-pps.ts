import type { Detector } from '../detector.ts';
import { capture, hasRun, WORD_LEFT, WORD_RIGHT } from './bounds.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const KEYWORDS = /(?<![a-z])ppsn?(?![a-rt-z])|personal[\s_.-]?public[\s_.-]?service/i;
/** 0 → W, 1..22 → A..V. */
const CHECK = 'WABCDEFGHIJKLMNOPQRSTUV';

/** Weights 8..2 over the 7 digits, plus 9 × the second letter's value (A = 1 … W = 0), mod 23 → letter. */
export function ppsOk(v: string): boolean {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += (8 - i) * (v.charCodeAt(i) - 48);
  const second = v[8];
  if (second !== undefined && second !== 'W') sum += 9 * (second.charCodeAt(0) - 64);
  return CHECK[sum % 23] === v[7];
}

/**
 * Irish Personal Public Service number: 7 digits, check letter, optional second letter (A, B, H, W, T, X). The
 * letter is 1 in 23 on any digits-and-letter code (SKUs, ticket ids), so the keyword `PPS`/`PPSN` is required.
 */
export const iePps: Detector = {
  name: 'iePps',
  minLength: 8,
  pattern: new RegExp(`${WORD_LEFT}(\\d{7}[A-W][ABHWTX]?)${WORD_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) => hasRun(text, 7) && keywordAnywhere(KEYWORDS, text, context),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    return ppsOk(value) && keywordNear(KEYWORDS, text, hit.start, context) ? hit : undefined;
  },
};
