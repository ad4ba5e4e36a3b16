import type { Detector } from '../detector.ts';
import { digitsIn, hasRun, NUM_LEFT, NUM_RIGHT } from './bounds.ts';
import { luhnOk } from './check-digits.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const PRINTED = /\d\d([- ])\d{6}\1\d{6}\1\d/;

const KEYWORDS = /imei|device[\s_.-]?id/i;

/**
 * IMEI: 15 digits with a Luhn check (`356938035643809`, `35-693803-564380-9`). Printed in its groups
 * (`AA-BBBBBB-CCCCCC-D`) it is masked as is; a bare 15-digit run passes Luhn one time in ten, so it needs a
 * keyword (`IMEI`, `device id`).
 */
export const imei: Detector = {
  name: 'imei',
  minLength: 15,
  pattern: new RegExp(`${NUM_LEFT}(\\d{2}([- ]?)\\d{6}\\2\\d{6}\\2\\d)${NUM_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) =>
    (hasRun(text, 15) && keywordAnywhere(KEYWORDS, text, context)) || PRINTED.test(text),
  validate(m, text, context) {
    const value = m[1]!;
    const end = m.index + m[0].length;
    const start = end - value.length;
    if (!luhnOk(digitsIn(value))) return undefined;
    return m[2] !== '' || keywordNear(KEYWORDS, text, start, context) ? { start, end } : undefined;
  },
  canonical: digitsIn,
  partial: (value) => `<imei:${digitsIn(value).slice(0, 8)}…>`,
};
