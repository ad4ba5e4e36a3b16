import type { Detector } from '../detector.ts';
import { secretKeyOk } from './aws-secret-key.ts';

/** `/` and `+` written `%2F`/`%2B` (URL-encoded) or `\/` (JSON-escaped, as PHP and some loggers write it). */
const ENCODED = /%2[FfBb]|\\\//g;
const ENCODED_HINT = /%2[FfBb]|\\\//;
const decode = (s: string): string =>
  s.replace(ENCODED, (e) => (e === '\\/' ? '/' : e[2] === 'B' || e[2] === 'b' ? '+' : '/'));

/**
 * AWS secret access keys with their `/` or `+` encoded: in a query string (`…%2FK7MDENG%2F…`) or a JSON string
 * escaped once more (`wJalrXUtnFEMI\/K7MDENG\/…`). Decoded, the run must be exactly 40 characters and pass the
 * same checks as a plain key; it is reported as `awsSecretKey`. A separate pass only for text holding an encoded
 * slash or plus, so the plain detector's pattern stays as fast as before.
 */
export const awsSecretKeyEncoded: Detector = {
  name: 'awsSecretKey',
  minLength: 42,
  pattern:
    /(?:^|[^A-Za-z0-9+/%\\]|%3[Dd]|%22|%3[Aa])((?:[A-Za-z0-9+/]|%2[FfBb]|\\\/){40,120})(?![A-Za-z0-9+/=]|%2[FfBb]|\\\/)/g,
  worthScanning: (text) => ENCODED_HINT.test(text),
  validate(m, text) {
    const raw = m[1]!;
    const end = m.index + m[0].length;
    const start = end - raw.length;
    const decoded = decode(raw);
    if (decoded === raw || decoded.length !== 40 || !secretKeyOk(decoded, text, start)) return undefined;
    return { start, end };
  },
  skipRejected: true,
};
