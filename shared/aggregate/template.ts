/** The template that counts messages beyond a window's pattern cap. */
export const OTHER_TEMPLATE = '<other>';

/**
 * Templates longer than this (UTF-16 units) are cut and end in `…`. They become part of DynamoDB keys
 * (sort key ≤ 1024 bytes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
 */
export const TEMPLATE_MAX_LENGTH = 200;

/** Masked placeholders (`<email:1a2b…>`) carry at most this many characters after the colon. */
const PLACEHOLDER_DETAIL_MAX = 128;
const PLACEHOLDER_NAME_MAX = 32;
/** Quoted strings longer than this stay as they are (after their own tokens are templated). */
const QUOTE_MAX = 256;

const DIGIT = 1;
const LETTER = 2;
const HEX = 4;
const ALNUM = DIGIT | LETTER;
// Indexed by UTF-16 code unit (64 KiB): one lookup per character, no range check on the hot path.
const CLASS = new Uint8Array(65536);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT | HEX;
for (let c = 65; c <= 90; c++) CLASS[c] = LETTER | (c <= 70 ? HEX : 0);
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER | (c <= 102 ? HEX : 0);

const LT = 60;
const GT = 62;
const COLON = 58;
const DOT = 46;
const DASH = 45;
const UNDERSCORE = 95;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

const cls = (c: number): number => CLASS[c]!;

/**
 * Collapses a (masked) message into its pattern, in one pass without regular expressions:
 * - masked placeholders, with or without detail (`<email>`, `<email:1a2b…>`, `<card:…1111>`) → `<email>`, `<card>`;
 * - UUIDs, hex ids of 8+ characters, `0x…`, and long tokens with 3+ digits (`user12345`, `i-0abc123…`) → `<id>`;
 * - numbers, decimals included → `<num>`; a short unit stays (`200ms` → `<num>ms`);
 * - quoted strings → `"<str>"` / `'<str>'` (a single quote only between non-word characters, so `don't` stays).
 * Short words with digits (`http2`, `ipv4`, `v1`) stay. The result only ever drops characters of the input or
 * replaces them with placeholders: it never re-expands a masked value.
 */
export function templateMessage(message: string): string {
  const n = message.length;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < n) {
    // Everything before i is final; stop once the template is already longer than the cap.
    if (out.length + (i - last) > TEMPLATE_MAX_LENGTH) break;
    const c = message.charCodeAt(i);
    const k = cls(c);
    if (k & ALNUM) {
      if (k & HEX && isUuidAt(message, i)) {
        out += `${message.slice(last, i)}<id>`;
        i += 36;
        last = i;
        continue;
      }
      let j = i;
      if (!(k & DIGIT)) {
        // Plain words are most of a message: skip their letters in a tight loop.
        j++;
        while (j < n && (CLASS[message.charCodeAt(j)]! & ALNUM) === LETTER) j++;
        if (j === n || !(CLASS[message.charCodeAt(j)]! & ALNUM)) {
          i = j;
          continue;
        }
        j = i;
      }
      let digits = 0;
      while (j < n && cls(message.charCodeAt(j)) & DIGIT) j++;
      digits = j - i;
      if (
        digits > 0 &&
        j + 1 < n &&
        message.charCodeAt(j) === DOT &&
        cls(message.charCodeAt(j + 1)) & DIGIT
      ) {
        j += 2;
        while (j < n && cls(message.charCodeAt(j)) & DIGIT) j++;
      }
      const numberEnd = j;
      let allHex = true;
      let lettersOnly = true;
      while (j < n) {
        const d = cls(message.charCodeAt(j));
        if (!(d & ALNUM)) break;
        if (d & DIGIT) {
          digits++;
          lettersOnly = false;
        }
        if (!(d & HEX)) allHex = false;
        j++;
      }
      if (numberEnd > i) {
        // Starts with a digit: a number, a number with a unit, or an id (`0x1f`, `22T10`, `9f86d081…`).
        if (j === numberEnd) {
          out += `${message.slice(last, i)}<num>`;
          last = j;
        } else if (lettersOnly && j - numberEnd <= 3) {
          out += `${message.slice(last, i)}<num>`;
          last = numberEnd;
        } else {
          out += `${message.slice(last, i)}<id>`;
          last = j;
        }
      } else if (j - i >= 8 && digits > 0 && (allHex || digits >= 3)) {
        out += `${message.slice(last, i)}<id>`;
        last = j;
      }
      i = j;
      continue;
    }
    if (c === LT) {
      const nameEnd = placeholderNameEnd(message, i);
      const end = nameEnd > 0 ? placeholderEnd(message, nameEnd) : -1;
      if (end > 0) {
        if (end > nameEnd) {
          out += `${message.slice(last, nameEnd)}>`;
          last = end + 1;
        }
        i = end + 1;
        continue;
      }
    } else if (c === DQUOTE || (c === SQUOTE && (i === 0 || !(cls(message.charCodeAt(i - 1)) & ALNUM)))) {
      const end = quoteEnd(message, i, c);
      if (end > i + 1) {
        out += `${message.slice(last, i + 1)}<str>`;
        last = end;
        i = end + 1;
        continue;
      }
    }
    i++;
  }
  if (last === 0 && out.length === 0 && n <= TEMPLATE_MAX_LENGTH) return message;
  out += message.slice(last, i);
  if (i < n || out.length > TEMPLATE_MAX_LENGTH) return truncate(out);
  return out;
}

function truncate(text: string): string {
  let cut = Math.min(text.length, TEMPLATE_MAX_LENGTH);
  const before = text.charCodeAt(cut - 1);
  if (before >= 0xd800 && before <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…`;
}

/** 8-4-4-4-12 hex digits at `i`, not followed by another word character. */
function isUuidAt(s: string, i: number): boolean {
  if (i + 36 > s.length || s.charCodeAt(i + 8) !== DASH) return false;
  for (let j = 0; j < 36; j++) {
    const c = s.charCodeAt(i + j);
    if (j === 8 || j === 13 || j === 18 || j === 23) {
      if (c !== DASH) return false;
    } else if (!(cls(c) & HEX)) {
      return false;
    }
  }
  return i + 36 === s.length || !(cls(s.charCodeAt(i + 36)) & ALNUM);
}

/** End of the name of a placeholder starting at `i` (`<name`, name `[A-Za-z][A-Za-z0-9_-]*`), or -1. */
function placeholderNameEnd(s: string, i: number): number {
  let j = i + 1;
  if (j >= s.length || !(cls(s.charCodeAt(j)) & LETTER)) return -1;
  const limit = Math.min(s.length, j + PLACEHOLDER_NAME_MAX);
  while (j < limit) {
    const c = s.charCodeAt(j);
    if (!(cls(c) & ALNUM) && c !== UNDERSCORE && c !== DASH) break;
    j++;
  }
  return j < s.length ? j : -1;
}

/**
 * Index of the `>` closing a placeholder whose name ends at `j`: `>` right there, or `:detail>` with a detail of
 * no whitespace and no `<`; -1 otherwise.
 */
function placeholderEnd(s: string, j: number): number {
  const c = s.charCodeAt(j);
  if (c === GT) return j;
  if (c !== COLON) return -1;
  const limit = Math.min(s.length, j + 1 + PLACEHOLDER_DETAIL_MAX);
  for (j++; j < limit; j++) {
    const d = s.charCodeAt(j);
    if (d === GT) return j;
    if (d === LT || d <= 32) return -1;
  }
  return -1;
}

/** Index of the quote closing the one at `i` on the same line (backslash escapes honoured), or -1. */
function quoteEnd(s: string, i: number, quote: number): number {
  const limit = Math.min(s.length, i + 1 + QUOTE_MAX);
  for (let j = i + 1; j < limit; j++) {
    const c = s.charCodeAt(j);
    if (c === BACKSLASH) {
      j++;
      continue;
    }
    if (c === 10 || c === 13) return -1;
    if (c === quote) {
      if (quote === SQUOTE && j + 1 < s.length && cls(s.charCodeAt(j + 1)) & ALNUM) return -1;
      return j;
    }
  }
  return -1;
}
