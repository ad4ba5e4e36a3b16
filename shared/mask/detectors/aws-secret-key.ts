import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

const RUN = /(?:^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/;
const isB64 = (c: number): boolean =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 47 && c <= 57) || c === 43;

/**
 * Sampled pre-check: any run of 40 contains two positions that are multiples of 20 and the 19 characters between
 * them, so only every 20th character is read unless a sample starts such a stretch. About 20× fewer reads than a
 * regex trying every start position of ordinary words.
 */
function mayHoldRun(text: string): boolean {
  const n = text.length;
  for (let p = 0; p + 20 < n; p += 20) {
    if (!isB64(text.charCodeAt(p)) || !isB64(text.charCodeAt(p + 20))) continue;
    let i = p + 1;
    while (i < p + 20 && isB64(text.charCodeAt(i))) i++;
    if (i === p + 20) return true;
  }
  return false;
}

const HEX = /^[0-9a-fA-F]+$/;
/** Names under which secret keys are usually logged; seen just before the value they vouch for it. */
const CONTEXT = /aws.?secret|secret.?access.?key|secretkey/i;
const CONTEXT_WINDOW = 64;
/**
 * Identifiers and paths: every upper-case letter starts a word of at least three lower-case letters
 * (`Http2ServerConnectionManagerFactoryBeanX`). Random base64 almost never has that shape.
 */
const WORD_SEGMENT = /^[a-z]*\d*(?:[A-Z][a-z]{3,}\d*)*[A-Z0-9]{0,2}$/;
const wordy = (v: string): boolean => v.split('/').every((segment) => WORD_SEGMENT.test(segment));

/** The validation of a 40-character candidate starting at `start` of `text` (also used for encoded forms). */
export function secretKeyOk(v: string, text: string, start: number): boolean {
  if (HEX.test(v) || !/[A-Za-z]/.test(v)) return false;
  if (CONTEXT.test(text.slice(Math.max(0, start - CONTEXT_WINDOW), start)) && /[^a-z]/.test(v)) return true;
  return /[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9]/.test(v) && !wordy(v);
}

/**
 * AWS secret access keys: exactly 40 characters of the base64 alphabet. Without a naming context the value must
 * mix upper case, lower case and digits and not read like an identifier; hex hashes (SHA-1, git) never qualify.
 */
export const awsSecretKey: Detector = {
  name: 'awsSecretKey',
  minLength: 40,
  pattern: /(?:^|[^A-Za-z0-9+/])([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/=])/g,
  worthScanning: (text) => mayHoldRun(text) && RUN.test(text),
  validate(m, text) {
    const start = m.index + m[0].length - 40;
    return secretKeyOk(m[1]!, text, start) ? tailGroup(m) : undefined;
  },
  skipRejected: true,
};
