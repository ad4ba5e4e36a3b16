import type { Detector } from '../detector.ts';
import { capture, digitsIn, hasRun, NUM_LEFT, NUM_RIGHT } from './bounds.ts';
import { dayOk, luhnOk, two } from './check-digits.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const PRINTED = /\d{6}[-+]\d{4}/;

const KEYWORDS = /person[\s_.-]?(?:nummer|nr|number)|(?<![a-z])pnr(?![a-z])|samordnings[\s_.-]?nummer/i;

/** Date (day + 60 for a samordningsnummer) and Luhn over the 10 digits `yymmddnnnc`. */
export function personnummerOk(ten: string): boolean {
  if (ten.length !== 10) return false;
  const dd = two(ten, 4);
  return dayOk(two(ten, 2), dd > 60 ? dd - 60 : dd) && luhnOk(ten);
}

/**
 * Swedish personal identity number: `yymmdd-nnnc` (`+` past 100 years), `yyyymmdd-nnnc`, with a Luhn check on
 * the last ten digits. Written with its separator it is masked as is; a compact 10- or 12-digit run also reads as
 * an epoch second or a `yyyymmddHHMM` timestamp, so it needs a keyword (`personnummer`, `pnr`).
 */
export const sePersonnummer: Detector = {
  name: 'sePersonnummer',
  minLength: 10,
  pattern: new RegExp(`${NUM_LEFT}((?:19|20)?\\d{6}[-+]?\\d{4})${NUM_RIGHT}`, 'g'),
  worthScanning: (text, _probe, context) =>
    PRINTED.test(text) ||
    ((hasRun(text, 10) || hasRun(text, 12)) && keywordAnywhere(KEYWORDS, text, context)),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    const d = digitsIn(value);
    if (!personnummerOk(d.slice(-10))) return undefined;
    if (d.length === 12 && !value.startsWith('19') && !value.startsWith('20')) return undefined;
    const separatedForm = value.includes('-') || value.includes('+');
    return separatedForm || keywordNear(KEYWORDS, text, hit.start, context) ? hit : undefined;
  },
  canonical: (value) => digitsIn(value).slice(-10),
};
