import type { Detector } from '../detector.ts';
import { digitsOf, wholeMatch } from '../detector.ts';

/**
 * US Social Security numbers `AAA-GG-SSSS` (or with spaces). Never issued: area 000, 666 and 900–999, group 00,
 * serial 0000 (https://www.ssa.gov/employer/randomization.html).
 */
export const ssn: Detector = {
  name: 'ssn',
  minLength: 11,
  pattern: /(?<![0-9A-Za-z]|\d-)(\d{3})([- ])(\d{2})\2(\d{4})(?![0-9A-Za-z]|-\d)/g,
  worthScanning: (_text, probe) => probe.longNumber(),
  validate(m) {
    const area = Number(m[1]);
    if (area === 0 || area === 666 || area >= 900) return undefined;
    if (m[3] === '00' || m[4] === '0000') return undefined;
    return wholeMatch(m);
  },
  canonical: digitsOf,
  partial: (value) => `<ssn:…${value.slice(-4)}>`,
};
