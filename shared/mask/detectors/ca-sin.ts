import type { Detector } from '../detector.ts';
import { digitsIn, NUM_LEFT, NUM_RIGHT } from './bounds.ts';
import { luhnOk } from './check-digits.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const KEYWORDS =
  /(?<![a-z])sin(?![a-z])|social[\s_.-]?insurance|(?<![a-z])nas(?![a-z])|assurance[\s_.-]?sociale/i;

/**
 * Canadian Social Insurance Number: 9 digits (`046 454 286`, `046-454-286`), Luhn, never starting with 0 or 8.
 * One random 9-digit number in ten passes Luhn, so a keyword is required (`SIN`, `social insurance`, `NAS`).
 */
export const caSin: Detector = {
  name: 'caSin',
  minLength: 9,
  pattern: new RegExp(`${NUM_LEFT}([1-79]\\d{2}([ -]?)\\d{3}\\2\\d{3})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, probe, context) => probe.longNumber() && keywordAnywhere(KEYWORDS, text, context),
  validate(m, text, context) {
    const value = m[1]!;
    const end = m.index + m[0].length;
    const start = end - value.length;
    return luhnOk(digitsIn(value)) && keywordNear(KEYWORDS, text, start, context)
      ? { start, end }
      : undefined;
  },
  canonical: digitsIn,
};
