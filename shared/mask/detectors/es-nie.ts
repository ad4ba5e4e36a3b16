import type { Detector } from '../detector.ts';
import { capture, hasRun, WORD_LEFT, WORD_RIGHT } from './bounds.ts';
import { dniLetter } from './es-dni.ts';

/** Spanish foreigner id (NIE): X/Y/Z, 7 digits, control letter computed as for the DNI with X/Y/Z → 0/1/2. */
export const esNie: Detector = {
  name: 'esNie',
  minLength: 9,
  pattern: new RegExp(`${WORD_LEFT}([XYZ][- ]?\\d{7}[- ]?[A-HJ-NP-TV-Z])${WORD_RIGHT}`, 'g'),
  worthScanning: (text) => hasRun(text, 7),
  validate(m) {
    const { value, hit } = capture(m);
    const compact = value.replace(/[- ]/g, '');
    const n = Number(`${'XYZ'.indexOf(compact[0]!)}${compact.slice(1, 8)}`);
    return dniLetter(n) === compact[8] ? hit : undefined;
  },
  canonical: (value) => value.replace(/[- ]/g, ''),
};
