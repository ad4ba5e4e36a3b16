import type { Detector } from '../detector.ts';
import { capture, hasRun, WORD_LEFT, WORD_RIGHT } from './bounds.ts';

export const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Control letter of a DNI number (NIE numbers after X/Y/Z → 0/1/2). */
export const dniLetter = (n: number): string => DNI_LETTERS[n % 23]!;

/**
 * Spanish DNI/NIF: 8 digits and their control letter (`12345678Z`, `12345678-Z`; not `12345678 Z`, which reads as a count and a word). The letter is the validator
 * (1 in 23 would pass at random; the digits-glued-to-a-capital shape is rare in other ids).
 */
export const esDni: Detector = {
  name: 'esDni',
  minLength: 9,
  pattern: new RegExp(`${WORD_LEFT}(\\d{8}-?[A-HJ-NP-TV-Z])${WORD_RIGHT}`, 'g'),
  worthScanning: (text) => hasRun(text, 8),
  validate(m) {
    const { value, hit } = capture(m);
    return dniLetter(Number(value.slice(0, 8))) === value.at(-1) ? hit : undefined;
  },
  canonical: (value) => value.replace(/-/g, ''),
};
