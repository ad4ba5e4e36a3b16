import { REDACTED } from './placeholder.ts';

/**
 * The key-name rule applied inside text: `password=hunter2`, `passwd: hunter2`, `"pwd":"x"`, `\"secret\": \"x\"`,
 * `secret: x` (YAML), `a=1&token=x` (form bodies, query strings), `Password => x`. A value whose key is sensitive is
 * replaced by {@link REDACTED} whatever it holds, as a field under that key would be: short, low-entropy passwords
 * (which no entropy rule can tell from words) are exactly the ones people log.
 *
 * The key: up to 48 key characters right before an optional (possibly JSON-escaped) quote and the operator. The
 * value: a quoted string (JSON escapes kept inside) or a bare run up to whitespace, `&`, `;`, `,` or a closing
 * bracket/quote.
 */
const ASSIGNMENT =
  /(?<![A-Za-z0-9_.<-])([A-Za-z][A-Za-z0-9_.-]{0,47})(?:\\?["'])?([ \t]{0,3})(?:=>|:=|=|:)([ \t]{0,3})(?:(\\?["'])((?:\\.|[^"'\\\n])*?)\4|([^\s&;,"'<>{}[\]()]+))/g;

/**
 * Key names that announce a credential in free text. Narrower than the field rule: in prose, `pin: 3` or
 * `auth: failed` are words; a high-entropy `api_key=…` is left to the genericSecret detector's entropy rule.
 */
const TEXT_KEY = /pass|pwd|secret|token|credential/i;
/** HTTP auth schemes: `Authorization: Bearer …` is the authHeader detector's. */
const SCHEME = /^(?:bearer|basic|digest|negotiate|token)$/i;
/** A plain lower-case word after a spaced operator is prose (`reset pwd = done`, `token: expired`). */
const WORD = /^[a-z]+[.!?]?$/;

export type AssignmentMasker = (text: string, audit: Record<string, number>) => string;

/**
 * @param sensitive the key-name rule
 * @param custom whether the configured names differ from the defaults (then the keyword pre-filter is skipped)
 */
export function createAssignmentMasker(
  sensitive: (key: string) => boolean,
  custom: boolean,
): AssignmentMasker {
  return (text, audit) => {
    if (text.length < 4 || (!custom && !TEXT_KEY.test(text))) return text;
    if (text.indexOf('=') < 0 && text.indexOf(':') < 0) return text;
    ASSIGNMENT.lastIndex = 0;
    let out = '';
    let last = 0;
    let hits = 0;
    for (let m = ASSIGNMENT.exec(text); m !== null; m = ASSIGNMENT.exec(text)) {
      const key = m[1]!;
      const quoted = m[5];
      const value = quoted ?? m[6] ?? '';
      // Already masked (a detector ran first and labelled it), empty, or a URL scheme (`token: https://…` keeps
      // going to the detectors, which mask the URL's password).
      if (value === '' || value === REDACTED || /^<[A-Za-z]+(?::[^<>\s]*)?>$/.test(value)) continue;
      const spaced = m[2] !== '' || m[3] !== '';
      if (
        !sensitive(key) ||
        (!custom && !TEXT_KEY.test(key)) ||
        (quoted === undefined && (SCHEME.test(value) || (spaced && WORD.test(value))))
      ) {
        // Resume inside the match: `a=b:password=x` must still see its second assignment.
        ASSIGNMENT.lastIndex = m.index + key.length;
        continue;
      }
      const end = m.index + m[0].length;
      const start = quoted === undefined ? end - value.length : end - value.length - m[4]!.length;
      out += text.slice(last, start) + REDACTED;
      last = quoted === undefined ? end : end - m[4]!.length;
      hits++;
    }
    if (hits === 0) return text;
    audit['sensitiveKey'] = (audit['sensitiveKey'] ?? 0) + hits;
    return out + text.slice(last);
  };
}
