import type { Detector } from '../detector.ts';
import { digitsIn, NUM_LEFT, NUM_RIGHT } from './bounds.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const KEYWORDS = /nhs|(?<![a-z])chi[\s_.-]?(?:no|number)|patient/i;

/** Weights 10..2 over the first nine digits; check = 11 − (sum mod 11), 11 → 0, 10 never issued. */
export function nhsOk(d: string): boolean {
  if (d.length !== 10) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (10 - i) * (d.charCodeAt(i) - 48);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === d.charCodeAt(9) - 48;
}

/**
 * UK NHS number: 10 digits (`9434765919`, `943 476 5919`) with a mod-11 check digit. One random 10-digit number
 * (an epoch second, a phone number) in 11 passes, so a keyword is required (`NHS`, `patient`, `CHI number`).
 */
export const ukNhs: Detector = {
  name: 'ukNhs',
  minLength: 10,
  pattern: new RegExp(`${NUM_LEFT}(\\d{3}([ -]?)\\d{3}\\2\\d{4})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, probe, context) => probe.longNumber() && keywordAnywhere(KEYWORDS, text, context),
  validate(m, text, context) {
    const value = m[1]!;
    const end = m.index + m[0].length;
    const start = end - value.length;
    return nhsOk(digitsIn(value)) && keywordNear(KEYWORDS, text, start, context) ? { start, end } : undefined;
  },
  canonical: digitsIn,
};
