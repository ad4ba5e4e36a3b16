import type { Detector } from '../detector.ts';
import { digitsIn, hasRun, NUM_LEFT, NUM_RIGHT } from './bounds.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const PRINTED = /9\d\d[- ]\d\d[- ]\d{4}/;

const KEYWORDS = /itin|taxpayer[\s_.-]?id|(?<![a-z])tin(?![a-z])/i;

/** Group digits issued to ITINs: 70–88, 90–92, 94–99 (IRS). */
export function itinGroupOk(group: number): boolean {
  return (group >= 70 && group <= 88) || (group >= 90 && group <= 92) || group >= 94;
}

/**
 * US Individual Taxpayer Identification Number `9XX-GG-XXXX` (group 70–88, 90–92, 94–99). Written with dashes or
 * spaces it is masked as is (SSNs never start with 9); a bare 9-digit run needs a keyword (`ITIN`, `TIN`).
 */
export const usItin: Detector = {
  name: 'usItin',
  minLength: 9,
  pattern: new RegExp(`${NUM_LEFT}(9\\d{2}([- ]?)(\\d{2})\\2\\d{4})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) =>
    PRINTED.test(text) || (hasRun(text, 9) && keywordAnywhere(KEYWORDS, text, context)),
  validate(m, text, context) {
    const value = m[1]!;
    if (!itinGroupOk(Number(m[3]))) return undefined;
    const end = m.index + m[0].length;
    const start = end - value.length;
    return m[2] !== '' || keywordNear(KEYWORDS, text, start, context) ? { start, end } : undefined;
  },
  canonical: digitsIn,
  partial: (value) => `<usItin:…${value.slice(-4)}>`,
};
