import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { Detector } from '../detector.ts';
import { digitsOf } from '../detector.ts';

/** E.164 allows at most 15 digits; fewer than 10 (country code included) is rarely a phone number in a log. */
const MIN_DIGITS = 10;
const MAX_DIGITS = 15;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Length of a leading URL-encoded plus (`%2B`), whose `2` is not a digit of the number; 0 otherwise. */
const plusLength = (s: string): number => (s.charCodeAt(0) === 37 /* % */ ? 3 : 0);

/**
 * Longest prefix of an international number, ending at a group boundary, whose digit count is within E.164
 * bounds: a greedy match may have swallowed a following number (`+44 20 7946 0958 12 items`).
 */
function international(s: string): number {
  let digits = 0;
  let best = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    const groupEnd = i === s.length - 1 || !isDigit(s.charCodeAt(i + 1));
    if (groupEnd && (isDigit(c) || c === 41) && digits >= MIN_DIGITS && digits <= MAX_DIGITS) best = i + 1;
    if (digits > MAX_DIGITS) break;
  }
  return best;
}

/**
 * Phone numbers: E.164 and grouped international (`+14155552671`, `+44 20 7946 0958`, `+1 (415) 555-2671`),
 * North American national (`(415) 555-2671`, `415-555-2671`, `415.555.2671`; area code and exchange start
 * with 2–9) and trunk-prefixed European national (`020 7946 0958`, `01 23 45 67 89`). Digit counts are checked.
 */
export const phone: Detector = {
  name: 'phone',
  minLength: 10,
  pattern: new RegExp(
    [
      '(?<![0-9A-Za-z+.,/-])(?:',
      // 1: international with a `+` or `00` prefix and any national grouping (`+49 30 1234567`, `+49 (0)30 …`,
      // `0049 30 …`, `+46 70 123 45 67`), validated by libphonenumber-js against every country's plan
      '((?:\\+|%2[Bb]|00)[1-9]\\d{0,2}(?:[ .-]?\\(0\\)[ .-]?\\d{1,5}|[ .-]?\\d{1,10}){1,6}(?=[^0-9A-Za-z]|$))|',
      // 2: international; `+` may be URL-encoded (`?phone=%2B14155552671`); a bracketed group may be followed
      // directly by digits (the UK trunk `+44 (0)20 7946 0958`)
      '((?:\\+|%2[Bb])[1-9]\\d{0,3}(?:[ .-]?\\(\\d{1,4}\\)\\d{0,6}|[ .-]\\d{1,6}){1,6}|(?:\\+|%2[Bb])[1-9]\\d{6,14})',
      // 3: North American (optional 1 / +1 prefix); 4: its separator
      '|((?:\\+?1[ .-]?)?(?:\\(\\d{3}\\)[ .-]?\\d{3}[ .-]\\d{4}|\\d{3}([.-])\\d{3}\\4\\d{4}|\\d{3} \\d{3} \\d{4}))',
      // 5: trunk-prefixed national, the area code possibly bracketed (`(020) 7946 0958`)
      '|((?:0\\d{1,4}|\\(0\\d{1,4}\\))[ -]\\d{2,8}(?:[ -]\\d{2,4}){0,3})',
      ')(?![0-9A-Za-z]|[.,-]\\d)',
    ].join(''),
    'g',
  ),
  worthScanning: (_text, probe) => probe.longNumber(),
  validate(m) {
    if (m[1] !== undefined) {
      const prefix = m[1].startsWith('00') ? 2 : plusLength(m[1]) || 1;
      // `00` alone starts many ids (`0012345678901`): as an international prefix it needs grouping after it.
      if (prefix === 2 && !/^00\d{1,3}[ .(-]/.test(m[1])) return undefined;
      const national = m[1].slice(prefix).replace('(0)', '');
      const d = digitsOf(national);
      if (d.length >= 8 && d.length <= MAX_DIGITS && parsePhoneNumberFromString(`+${d}`)?.isValid()) {
        return { start: m.index, end: m.index + m[1].length };
      }
      // Not one number as a whole (it may have swallowed a following count): the E.164 digit-count rule below.
      if (prefix === 2) return undefined;
      const plus = plusLength(m[1]);
      const end = international(m[1].slice(plus));
      return end < 0 ? undefined : { start: m.index, end: m.index + plus + end };
    }
    if (m[2] !== undefined) {
      const plus = plusLength(m[2]);
      const end = international(m[2].slice(plus));
      return end < 0 ? undefined : { start: m.index, end: m.index + plus + end };
    }
    const d = digitsOf(m[0]);
    if (m[3] !== undefined) {
      const national = d.length === 11 ? d.slice(1) : d;
      if (national.length !== 10 || national[0]! < '2' || national[3]! < '2') return undefined;
      return { start: m.index, end: m.index + m[0].length };
    }
    return d.length >= 10 && d.length <= 11 ? { start: m.index, end: m.index + m[0].length } : undefined;
  },
  canonical: (value) => digitsOf(value.slice(plusLength(value))),
  partial: (value) => `<phone:…${digitsOf(value).slice(-4)}>`,
};
