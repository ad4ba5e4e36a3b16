import { DETECTOR_NAMES } from '../../config/schema.ts';
import { OTHER_TEMPLATE } from '../template.ts';

/** Longest template that replicates (UTF-16 units); longer ones end in `…`. */
export const SAFE_TEMPLATE_MAX_LENGTH = 200;
/** Longest plain word kept: longer letter runs are more likely data (tokens, base64) than vocabulary. */
export const MAX_WORD_LENGTH = 24;
/** What every token that may be data becomes. */
export const VALUE_PLACEHOLDER = '<v>';

/** Placeholders the templater and the masker write; any other `<…>` in a message is client text. */
const PLACEHOLDERS = new Set<string>([
  'num',
  'id',
  'str',
  'v',
  'other',
  'long',
  ...DETECTOR_NAMES.map((d) => d.toLowerCase()),
]);
const PLACEHOLDER = /<([A-Za-z]+)(?::[^>]*)?>/g;
/** A part of a token that may replicate: ASCII letters (bounded runs) and structural punctuation only. */
const PLAIN = new RegExp(`^(?:[A-Za-z]{1,${MAX_WORD_LENGTH}}(?![A-Za-z])|[.,:;!?()[\\]{}"'/_\\-*#|&+~^])+$`);

/**
 * Reduces a regional template to what may replicate, whatever the masker missed: each whitespace-separated token
 * keeps known placeholders, plain words (letters only, ≤ 24) and punctuation; a token part holding anything else
 * (digits, `@`, non-ASCII, long runs) becomes `<v>`, and so does every value after a `=`. Whether the words that
 * remain may travel is decided by the caller: only templates seen in ≥ K distinct messages do (rollup.ts).
 */
export function safeTemplate(template: string): string {
  if (template === OTHER_TEMPLATE) return template;
  const out: string[] = [];
  for (const token of template.split(/\s+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    const reduced =
      eq >= 0
        ? `${safeToken(token.slice(0, eq))}=${eq + 1 < token.length ? VALUE_PLACEHOLDER : ''}`
        : safeToken(token);
    out.push(reduced);
    if (out.join(' ').length > SAFE_TEMPLATE_MAX_LENGTH) break;
  }
  let text = out.join(' ').replace(/(?:<v>)+/g, VALUE_PLACEHOLDER);
  if (text.length > SAFE_TEMPLATE_MAX_LENGTH) text = `${text.slice(0, SAFE_TEMPLATE_MAX_LENGTH - 1)}…`;
  return text;
}

function safeToken(token: string): string {
  let out = '';
  let last = 0;
  PLACEHOLDER.lastIndex = 0;
  for (let m = PLACEHOLDER.exec(token); m; m = PLACEHOLDER.exec(token)) {
    const name = m[1]!.toLowerCase();
    if (!PLACEHOLDERS.has(name)) continue;
    out += plainOr(token.slice(last, m.index)) + `<${name}>`;
    last = m.index + m[0].length;
  }
  return out + plainOr(token.slice(last));
}

const plainOr = (part: string): string => (part === '' || PLAIN.test(part) ? part : VALUE_PLACEHOLDER);
